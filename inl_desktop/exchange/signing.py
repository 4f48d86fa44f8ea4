"""Signatures of exchange workbooks: the post signs the values, headquarters checks them.

What is signed is the workbook's *values*, not the bytes of its zip: a file opened and
saved again by Excel or LibreOffice without changes still verifies, while any changed
value does not. The canonical form (version 1):

- every sheet, by name; for each row that holds a value, one line: the JSON array
  ``[row, column, cell, cell...]`` (0-based position of the first non-empty cell;
  empty cells before it and after the last one dropped, empty rows skipped; an empty
  cell between two others is ``""``), as python-calamine reads the cells:

  - text: the text in Unicode NFC, line ends (CR LF, CR) as LF; empty text is empty;
  - a number: ``["n", text]``, the number's double rounded to 15 significant digits
    (what Excel keeps), written ``1`` for 1 and 1.0 alike;
  - a date or date and time: ``["d", "2020-01-02"]`` or ``["d", "2020-01-02T03:04:05"]``,
    to the second (the export writes whole seconds);
  - TRUE / FALSE: ``["b", "TRUE"]``; anything else ``["x", type, text]``;
- each sheet's lines hashed with SHA-256; the signed message is a title line and one
  line per sheet (sorted by name): the name as JSON and the digest in hex;
- the About sheet's rows ``signature``, ``signing_key_id`` and ``signed_sheets`` (the key
  in column A, the value in column B) are left out: they hold the Ed25519 signature
  (base64), the fingerprint of the key and a short digest of each sheet, which tells
  which sheet changed when a signature fails.

Keys are Ed25519 (the ``cryptography`` package); a post's public key travels to HQ as a
small text file (``public_key_text``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from python_calamine import CalamineWorkbook

from inl_desktop.domain.errors import UserError
from inl_desktop.exchange import format as fmt

CANONICAL_VERSION = 1
SIGNATURE = "signature"
SIGNING_KEY_ID = "signing_key_id"
SIGNED_SHEETS = "signed_sheets"
SIGNATURE_ROWS = (SIGNATURE, SIGNING_KEY_ID, SIGNED_SHEETS)
KEY_FILE_TITLE = "INL Desktop post signing key"
KEY_FILE_LIMIT = 64 * 1024
_TITLE = f"INL Desktop exchange workbook signature {CANONICAL_VERSION}\n"
_HINT_LENGTH = 16  # hex digits of a sheet's digest kept in signed_sheets
_RAW_KEY_LENGTH = 32
_SIGNATURE_LENGTH = 64
_POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")


class BadKeyFile(UserError):
    """A public key file that cannot be read (wrong format, damaged, mistyped)."""


# -- canonical form ---------------------------------------------------------------------


def _text(value: str) -> str:
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def number_text(value: float | int | Decimal) -> str:
    """A number as the canonical form writes it: its double to 15 significant digits
    ("1" for 1 and 1.0 alike, "0" for -0.0)."""
    number = float(value)
    return format(number, ".15g") if number else "0"


def _moment(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value.microsecond:
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    if not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


def canonical_cell(value: Any) -> Any:
    """One cell's value in the canonical form ("" for an empty cell)."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if value is None:
        return ""
    if kind is bool:
        return ["b", "TRUE" if value else "FALSE"]
    if kind is float or kind is int or kind is Decimal:
        return ["n", number_text(value)]
    if kind is datetime:
        return ["d", _moment(value)]
    if kind is date:
        return ["d", value.isoformat()]
    if isinstance(value, str):
        return _text(str(value))
    return ["x", kind.__name__, str(value)]


class SheetDigest:
    """The SHA-256 of one sheet's canonical lines, fed row by row."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, row: int, column: int, cells: Sequence[Any]) -> None:
        """Add the row at 0-based ``row`` whose first cell is at 0-based ``column``."""
        # Most cells are plain text, which is its own canonical form, or numbers.
        values = [
            cell
            if (kind := type(cell)) is str and cell.isascii() and "\r" not in cell
            else ["n", format(cell, ".15g")]
            if kind is float and cell
            else canonical_cell(cell)
            for cell in cells
        ]
        end = len(values)
        while end and values[end - 1] == "":
            end -= 1
        if not end:
            return
        start = 0
        while values[start] == "":
            start += 1
        line = json.dumps(
            [row, column + start, *values[start:end]], ensure_ascii=False, separators=(",", ":")
        )
        self._hash.update(line.encode("utf-8", "surrogatepass"))
        self._hash.update(b"\n")

    def hexdigest(self) -> str:
        """The digest of the lines added so far."""
        return self._hash.hexdigest()


def signed_message(digests: Mapping[str, str]) -> bytes:
    """The message a signature covers: a title line, then each sheet and its digest."""
    lines = [_TITLE, *(f"{json.dumps(name)} {digests[name]}\n" for name in sorted(digests))]
    return "".join(lines).encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class WorkbookValues:
    """A workbook read for its signature: each sheet's digest and its signature rows."""

    digests: dict[str, str]
    signature_rows: dict[str, list[Any]]  # each signature key -> the values it has


class UnreadableWorkbook(UserError):
    """A sheet of a workbook cannot be read to check its signature."""


def digest_sheets(
    sheets: Iterable[tuple[str, tuple[int, int], Iterable[Sequence[Any]]]],
) -> WorkbookValues:
    """Each sheet's canonical digest, from (name, 0-based (row, column) of the first cell,
    rows of cells as python-calamine reads them); the About sheet's signature rows are
    set aside."""
    digests: dict[str, str] = {}
    signature_rows: dict[str, list[Any]] = {key: [] for key in SIGNATURE_ROWS}
    for name, (first_row, first_column), rows in sheets:
        digest = SheetDigest()
        about = name == fmt.ABOUT
        for offset, cells in enumerate(rows):
            if about and cells and type(cells[0]) is str and cells[0].strip() in signature_rows:
                signature_rows[cells[0].strip()].append(cells[1] if len(cells) > 1 else "")
                cells = ["", "", *cells[2:]]
            digest.add(first_row + offset, first_column, cells)
        digests[name] = digest.hexdigest()
    return WorkbookValues(digests, signature_rows)


def read_values(path: Path) -> WorkbookValues:
    """``digest_sheets`` of a workbook file, opened with python-calamine (for tools and
    tests; consolidation digests the sheets its reader has loaded)."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own errors and plain ones alike
        raise UnreadableWorkbook(f"{path.name} cannot be read: {error}") from None

    def sheets() -> Iterator[tuple[str, tuple[int, int], Iterable[Sequence[Any]]]]:
        for name in book.sheet_names:
            try:
                sheet = book.get_sheet_by_name(name)
            except Exception as error:
                raise UnreadableWorkbook(
                    f"{path.name}: sheet {name} cannot be read: {error}"
                ) from None
            yield name, sheet.start or (0, 0), sheet.iter_rows()

    try:
        return digest_sheets(sheets())
    finally:
        book.close()


# -- keys and signatures ----------------------------------------------------------------


def new_private_key() -> bytes:
    """A new Ed25519 private key, raw (32 bytes)."""
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key (32 bytes) of a raw private key."""
    return (
        Ed25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def fingerprint(public_key: bytes) -> str:
    """A short name of a public key to compare by eye: ``3f2a-91bc-04de-77aa``."""
    digest = hashlib.sha256(public_key).hexdigest()[:16]
    return "-".join(digest[index : index + 4] for index in range(0, 16, 4))


def encode_key(raw: bytes) -> str:
    """A raw key as base64 text."""
    return base64.b64encode(raw).decode("ascii")


def decode_key(text: str) -> bytes | None:
    """A raw key from base64 text; None when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _RAW_KEY_LENGTH else None


def signature_rows(private_key: bytes, digests: Mapping[str, str]) -> list[tuple[str, str]]:
    """The About rows that sign a workbook whose sheets have these digests."""
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(signed_message(digests))
    hints = "; ".join(f"{name} {digests[name][:_HINT_LENGTH]}" for name in sorted(digests))
    return [
        (SIGNATURE, base64.b64encode(signature).decode("ascii")),
        (SIGNING_KEY_ID, fingerprint(public_key_of(private_key))),
        (SIGNED_SHEETS, hints),
    ]


@dataclass(frozen=True)
class Signature:
    """What a workbook's About sheet says about its signature."""

    value: bytes | None  # None: there is a signature row, but it cannot be read
    key_id: str
    sheet_hints: dict[str, str]


def signature_of(about: Mapping[str, Any]) -> Signature | None:
    """The signature a workbook's About values carry; None for an unsigned workbook."""
    text = about.get(SIGNATURE)
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value: bytes | None = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        value = None
    if value is not None and len(value) != _SIGNATURE_LENGTH:
        value = None
    key_id = about.get(SIGNING_KEY_ID)
    hints: dict[str, str] = {}
    listed = about.get(SIGNED_SHEETS)
    if isinstance(listed, str):
        for part in listed.split(";"):
            name, _, digest = part.strip().rpartition(" ")
            if name:
                hints[name] = digest
    return Signature(value, key_id.strip() if isinstance(key_id, str) else "", hints)


def verifies(public_key: bytes, signature: Signature, values: WorkbookValues) -> bool:
    """Whether the signature is the key's over these values (one signature row of each)."""
    if signature.value is None or any(len(found) != 1 for found in values.signature_rows.values()):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature.value, signed_message(values.digests)
        )
    except InvalidSignature:
        return False
    return True


def what_changed(signature: Signature, values: WorkbookValues) -> str:
    """Which sheets differ from what was signed, as far as the About sheet tells."""
    repeated = [key for key, found in values.signature_rows.items() if len(found) > 1]
    if repeated:
        return f"the About sheet has the row {repeated[0]} more than once"
    if signature.value is None:
        return "its signature cannot be read"
    hints = signature.sheet_hints
    if not hints:
        return "sheet unknown: the About sheet does not list the signed sheets"
    found = values.digests
    changed = [name for name in found if name in hints and not found[name].startswith(hints[name])]
    added = [name for name in found if name not in hints]
    removed = [name for name in hints if name not in found]
    parts = []
    if changed:
        parts.append(f"sheet{'s' if len(changed) > 1 else ''} {', '.join(changed)}")
    parts.extend(f"sheet {name} was added" for name in added)
    parts.extend(f"sheet {name} was removed" for name in removed)
    return "; ".join(parts) or "the signature rows of the About sheet were changed"


# -- key files --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKeyFile:
    """A post's public key as its key file gives it."""

    post_code: str
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        """The key's fingerprint."""
        return fingerprint(self.public_key)


def public_key_text(post_code: str, public_key: bytes) -> str:
    """The text of a post's public key file (what HQ registers with ``hq add-post``)."""
    return (
        f"# {KEY_FILE_TITLE} (public). Headquarters registers it once:\n"
        f"#   inl-desktop hq add-post {post_code}.pub\n"
        f"post: {post_code}\n"
        "algorithm: ed25519\n"
        f"public_key: {encode_key(public_key)}\n"
        f"fingerprint: {fingerprint(public_key)}\n"
    )


def read_public_key_text(text: str, name: str = "the key file") -> PublicKeyFile:
    """A public key file's post and key; BadKeyFile (naming ``name``) when it is not one."""
    if len(text) > KEY_FILE_LIMIT or KEY_FILE_TITLE not in text:
        raise BadKeyFile(f"{name} is not an INL Desktop post key file")
    fields: dict[str, str] = {}
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip().lower()] = value.strip()
    post = fields.get("post", "").upper()
    if not _POST_CODE.match(post):
        raise BadKeyFile(f"{name}: {post or 'no post'} is not a post code (like PK-ISB)")
    if fields.get("algorithm", "ed25519").lower() != "ed25519":
        raise BadKeyFile(f"{name}: the key is not an Ed25519 key")
    public_key = decode_key(fields.get("public_key", ""))
    if public_key is None:
        raise BadKeyFile(f"{name}: the public key is missing or damaged")
    given = fields.get("fingerprint")
    if given is not None and given.lower() != fingerprint(public_key):
        raise BadKeyFile(
            f"{name}: the fingerprint {given} does not match the key ({fingerprint(public_key)}); "
            "the file was changed or mistyped"
        )
    return PublicKeyFile(post, public_key)
