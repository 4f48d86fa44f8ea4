"""Hostile and foreign workbooks, built in code from a workbook the export service wrote.

Used by tests/test_hostile_workbooks.py (the sweep) and bench/hostile.py (the peak
memory of each refusal). Each case changes what an attacker, a broken program or a
person renaming a file would change, and says what must come of it:

- ``refusal``: the file is refused in one line holding this text, by consolidation
  (``open_workbook``) and by the importer (``read_source``) alike unless
  ``import_refusal`` says otherwise; None: the file is legitimate and is read (its
  rows may still carry problems: ``formula`` says a formula must be reported);
- ``crashed``: before issue 15 the file killed the process (calamine aborted or
  panicked): tests open it in a child process only.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

ABOUT_PART = "xl/worksheets/sheet1.xml"
SEIZURES_PART = "xl/worksheets/sheet2.xml"
LISTS_PART = "xl/worksheets/sheet7.xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DECLARATION = b'<!DOCTYPE x [<!ENTITY e "boom">]>'
SAME = "same as for consolidation"

Build = Callable[[Path, Path], None]
"""(an exchange workbook to start from, the file to write)"""


@dataclass(frozen=True)
class Case:
    """One hostile or foreign file and what must come of it (see the module docstring)."""

    family: str
    build: Build
    refusal: str | None
    import_refusal: str | None = SAME
    crashed: bool = False
    formula: bool = False

    @property
    def refused_on_import(self) -> str | None:
        """The refusal expected of the importer."""
        return self.refusal if self.import_refusal == SAME else self.import_refusal


def exchange_workbook(folder: Path) -> Path:
    """An exchange workbook of post PK-LHE with two one-item seizures, written by the
    export service from a post database made in ``folder``."""
    from inl_desktop.domain.drafts import SeizureDraft, SeizureItemDraft
    from inl_desktop.services.context import AppContext, utc_now
    from inl_desktop.services.export import ExportRequest, export_workbook
    from inl_desktop.services.seizures import save_seizure
    from inl_desktop.services.setup import set_up_post
    from inl_desktop.store.migrate import open_database

    ctx = AppContext(open_database(folder / "lahore.sqlite", now=utc_now), user="clerk")
    try:
        set_up_post(ctx, "PK-LHE", "PK")
        for place in ("Wagah", "Lahore airport"):
            item = SeizureItemDraft(drug="HEROIN", quantity=Decimal("1.5"), unit="KG")
            draft = SeizureDraft(
                basis="case",
                event_date=date(2026, 3, 14),
                agency="ANF",
                province="PK-PB",
                place=place,
                status="final",
                items=[item],
            )
            save_seizure(ctx, draft)
        return export_workbook(ctx, ExportRequest(folder / "lahore.xlsx")).file
    finally:
        ctx.engine.dispose()


# -- writing zips -------------------------------------------------------------------------


def parts_of(source: Path) -> list[tuple[str, bytes]]:
    """The parts of a zip, in order."""
    with zipfile.ZipFile(source) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(target: Path, parts: Iterable[tuple[str, bytes]]) -> None:
    """A zip of ``parts`` (deflated; a name given twice is written twice)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)


def rewrite(
    source: Path,
    target: Path,
    changes: dict[str, Callable[[bytes], bytes | None]] | None = None,
    *,
    add: Iterable[tuple[str, bytes]] = (),
    rename: dict[str, str] | None = None,
) -> None:
    """A copy of ``source`` with parts changed (None drops one), renamed or added."""
    changes, rename = changes or {}, rename or {}
    parts = []
    for name, data in parts_of(source):
        changed = changes[name](data) if name in changes else data
        if changed is not None:
            parts.append((rename.get(name, name), changed))
    write_zip(target, [*parts, *add])


def changing(part: str, change: Callable[[bytes], bytes | None]) -> Build:
    """A case that passes one part through ``change``."""
    return lambda source, target: rewrite(source, target, {part: change})


def adding(*parts: tuple[str, bytes]) -> Build:
    """A case that adds parts."""
    return lambda source, target: rewrite(source, target, add=parts)


def declared(data: bytes) -> bytes:
    """XML with a document type declaring an entity."""
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        return data[:end] + DECLARATION + data[end:]
    return DECLARATION + data


def appended_rows(rows: bytes) -> Callable[[bytes], bytes]:
    """Rows added at the end of a sheet's data."""
    return lambda data: data.replace(b"</sheetData>", rows + b"</sheetData>")


def in_row(number: int, cells: bytes) -> Callable[[bytes], bytes]:
    """Cells added at the end of row ``number`` of a sheet."""

    def change(data: bytes) -> bytes:
        start = data.index(b'<row r="%d"' % number)
        end = data.index(b"</row>", start)
        return data[:end] + cells + data[end:]

    return change


def text_cell(reference: str, text: str = "x") -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (reference.encode(), text.encode())


def number_cell(reference: str, value: int = 1) -> bytes:
    return b'<c r="%s"><v>%d</v></c>' % (reference.encode(), value)


# -- files that are not workbooks ---------------------------------------------------------


def written(data: bytes) -> Build:
    """A file of ``data``, whatever the workbook."""

    def build(_source: Path, target: Path) -> None:
        target.write_bytes(data)

    return build


def compound_file(*streams: str) -> bytes:
    """An OLE compound file (.xls, .doc, an encrypted xlsx) naming its streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in streams)
    return header + directory + b"\x00" * 1024


def foreign_zip(document: str, content_type: str, extra: Iterable[tuple[str, bytes]] = ()) -> Build:
    """A zip of another Office kind, its package relationships naming ``document``."""
    types = (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/%s" ContentType="%s"/></Types>'
        % (document.encode(), content_type.encode())
    )
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="%s"/></Relationships>' % document.encode()
    )
    parts = [(CONTENT_TYPES, types), ("_rels/.rels", rels), (document, b"<document/>")]
    return lambda _source, target: write_zip(target, [*parts, *extra])


def open_document(_source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")


def cut_in_half(source: Path, target: Path) -> None:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])


def sizes_declared(size: int) -> Build:
    """Every worksheet declares ``size`` bytes in the zip's central directory."""

    def build(source: Path, target: Path) -> None:
        rewrite(source, target)
        data = bytearray(target.read_bytes())
        entry = data.find(b"PK\x01\x02")
        while entry != -1:
            length = struct.unpack_from("<H", data, entry + 28)[0]
            if data[entry + 46 : entry + 46 + length].startswith(b"xl/worksheets/"):
                struct.pack_into("<I", data, entry + 24, size)
            entry = data.find(b"PK\x01\x02", entry + 4)
        target.write_bytes(bytes(data))

    return build


def member_encrypted(source: Path, target: Path) -> None:
    """The Seizures part flagged as encrypted (bit 0) in both of its zip headers."""
    rewrite(source, target)
    data = bytearray(target.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        name_at = 30 if signature == b"PK\x03\x04" else 46
        entry = data.find(signature)
        while entry != -1:
            length = struct.unpack_from("<H", data, entry + (26 if name_at == 30 else 28))[0]
            if data[entry + name_at : entry + name_at + length] == SEIZURES_PART.encode():
                data[entry + flags] |= 1
            entry = data.find(signature, entry + 4)
    target.write_bytes(bytes(data))


def nested_zip_bomb(megabytes: int) -> Build:
    """An embedded object that is a zip of ``megabytes`` of zeros (nothing opens it)."""

    def build(source: Path, target: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            archive.writestr("zeros.bin", bytes(megabytes * 1024 * 1024))
        rewrite(source, target, add=[("xl/embeddings/oleObject1.bin", buffer.getvalue())])

    return build


def zeros_part(megabytes: int) -> Build:
    """A part of ``megabytes`` of zeros, deflated a thousand times (a zip bomb)."""

    def build(source: Path, target: Path) -> None:
        rewrite(source, target, add=[("xl/media/zeros.bin", bytes(megabytes * 1024 * 1024))])

    return build


# -- workbooks that say one thing and hold another ----------------------------------------


def shared_strings(unique_count: str, root: bytes = b"sst") -> bytes:
    prefix = root.split(b":")[0] + b":" if b":" in root else b""
    namespace = b'xmlns%s="%s"' % (b":" + prefix[:-1] if prefix else b"", MAIN)
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><%s %s count="1" uniqueCount="%s">'
        b"<%ssi><%st>x</%st></%ssi></%s>"
        % (root, namespace, unique_count.encode(), prefix, prefix, prefix, prefix, root)
    )


def renamed_sheet(
    new: str, *, target: str | None = None, formula: bool = False, declare: bool = False
) -> Build:
    """The Seizures part under another name, its relationship (naming ``target``, else
    ``new``) and content type with it; ``formula``: the quantity of its first data row
    is a formula; ``declare``: the part declares a document type."""
    old_target = b'Target="/' + SEIZURES_PART.encode() + b'"'
    new_target = b'Target="/' + (target or new).encode() + b'"'

    def sheet(data: bytes) -> bytes:
        if formula:
            data = re.sub(rb'<c r="AX2" t="n"><v>[^<]*</v></c>', FORMULA, data)
        return declared(data) if declare else data

    def build(source: Path, out: Path) -> None:
        rewrite(
            source,
            out,
            {
                SEIZURES_PART: sheet,
                WORKBOOK_RELS: lambda data: data.replace(old_target, new_target),
                CONTENT_TYPES: lambda data: data.replace(
                    b'"/' + SEIZURES_PART.encode() + b'"', b'"/' + new.encode() + b'"'
                ),
            },
            rename={SEIZURES_PART: new},
        )

    return build


def extra_sheet(rows: int) -> Build:
    """A sheet Notes (not a sheet of the format) of ``rows`` rows of text."""
    body = b"".join(
        b'<row r="%d">%s</row>' % (n, text_cell(f"A{n}", "note")) for n in range(1, rows + 1)
    )
    sheet = b'<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (MAIN, body)

    def build(source: Path, target: Path) -> None:
        rewrite(
            source,
            target,
            {
                "xl/workbook.xml": lambda data: data.replace(
                    b"</sheets>",
                    b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships" name="Notes" sheetId="8" r:id="rId99"/></sheets>',
                ),
                WORKBOOK_RELS: lambda data: data.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/worksheet" Target="/xl/worksheets/notes.xml" Id="rId99"/>'
                    b"</Relationships>",
                ),
            },
            add=[("xl/worksheets/notes.xml", sheet)],
        )

    return build


def copies_of_row(number: int, copies: int, first: int) -> Callable[[bytes], bytes]:
    """``copies`` more rows like row ``number``, numbered from ``first``."""

    def change(data: bytes) -> bytes:
        start = data.index(b'<row r="%d"' % number)
        row = data[start : data.index(b"</row>", start) + 6]
        pattern = re.compile(rb'r="([A-Z]*)%d"' % number)
        made = b"".join(
            pattern.sub(lambda m, n=n: b'r="%s%d"' % (m.group(1), n), row)
            for n in range(first, first + copies)
        )
        return data.replace(b"</sheetData>", made + b"</sheetData>")

    return change


ROW_CELLS = (
    b'<c r="B%(n)d" t="n"><v>1</v></c><c r="C%(n)d" t="inlineStr"><is><t>PK-LHE</t></is></c>'
    b'<c r="D%(n)d" t="inlineStr"><is><t>final</t></is></c>'
    b'<c r="E%(n)d" s="2" t="n"><v>46359.6444675926</v></c>'
    b'<c r="F%(n)d" t="inlineStr"><is><t>user-d7de5e9f33</t></is></c>'
    b'<c r="I%(n)d" t="inlineStr"><is><t>case</t></is></c>'
    b'<c r="P%(n)d" t="inlineStr"><is><t>ANF</t></is></c>'
    b'<c r="X%(n)d" t="inlineStr"><is><t>Wagah</t></is></c>'
)


def inflated_rows(rows: int, first: int = 4) -> Iterator[bytes]:
    """Seizures rows of about 450 bytes, alike but for their number and a serial each:
    they compress about 13 times, as real rows do (a bomb compresses a thousand times)."""
    for number in range(first, first + rows):
        serial = number * 2654435761 % 2**32
        yield (
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%08x</t></is></c>'
            % (number, number, serial)
            + ROW_CELLS % {b"n": number}
            + b"</row>"
        )


def inflated_sheet(megabytes: int) -> Build:
    """A Seizures sheet of ``megabytes`` MiB of rows where About says 2, written as a
    stream (the file is a few megabytes; nothing holds the sheet whole)."""

    def build(source: Path, target: Path) -> None:
        with (
            zipfile.ZipFile(source) as old,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for info in old.infolist():
                data = old.read(info)
                if info.filename != SEIZURES_PART:
                    new.writestr(info.filename, data)
                    continue
                head, tail = data.split(b"</sheetData>")
                with new.open(SEIZURES_PART, "w", force_zip64=True) as stream:
                    stream.write(head)
                    written = len(head)
                    for row in inflated_rows(1_000_000):
                        stream.write(row)
                        written += len(row)
                        if written >= megabytes * 1024**2:
                            break
                    stream.write(b"</sheetData>" + tail)

    return build


def prefixed(prefix: bytes) -> Callable[[bytes], bytes]:
    """A sheet with every element written with a namespace prefix (as some .NET libraries write)."""

    def change(data: bytes) -> bytes:
        data = re.sub(rb"<(/?)([A-Za-z]+)(?=[\s>/])", rb"<\1" + prefix + rb":\2", data)
        return data.replace(b'xmlns="', b"xmlns:" + prefix + b'="', 1)

    return change


def without_references(data: bytes) -> bytes:
    """Cells without r attributes (placed one after the other, as some writers do)."""
    return re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", data)


FORMULA = b'<c r="AX2"><f>1+2</f><v>3</v></c>'
SVG = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FAR_VALUE = b'<row r="1048576">' + text_cell("A1048576") + b"</row>"


WORKSHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
THEME_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"
CFB_XLS = compound_file("Root Entry", "Workbook")
CFB_ENCRYPTED = compound_file("Root Entry", "EncryptionInfo", "EncryptedPackage")


def sheet_typed_as_picture(data: bytes) -> bytes:
    return data.replace(
        b'sheet2.xml" ContentType="' + WORKSHEET_TYPE, b'sheet2.xml" ContentType="image/png'
    )


def svg_picture(source: Path, target: Path) -> None:
    svg = b'<Default Extension="svg" ContentType="image/svg+xml"/><Default Extension="xml"'
    rewrite(
        source,
        target,
        {CONTENT_TYPES: lambda data: data.replace(b'<Default Extension="xml"', svg)},
        add=[("xl/media/image1.svg", SVG)],
    )


def foreign_prefix_rows(data: bytes) -> bytes:
    data = data.replace(b"<worksheet ", b'<worksheet xmlns:x="' + MAIN + b'" ', 1)
    return data.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>")


def with_dimension(reference: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(
        b"</sheetPr>", b'</sheetPr><dimension ref="%s"/>' % reference, 1
    )


BIN_PART = "xl/worksheets/sheet2.bin"
CAPITALS = "XL/WORKSHEETS/SHEET2.XML"
ENTITY = b'<!ENTITY e "x"><a/>'
ROW_BEYOND = b'<row r="1048577">' + text_cell("A1048577") + b"</row>"
PAST_XFD = b"<c/>" * 16_384 + b"<c><v>1</v></c>"


def workbook_renamed(data: bytes) -> bytes:
    """_rels/.rels names the workbook xl/book.bin (calamine reads xl/workbook.xml)."""
    return data.replace(b'Target="xl/workbook.xml"', b'Target="xl/book.bin"')


def in_utf16(data: bytes) -> bytes:
    return data.decode("utf-8").encode("utf-16")


def target_entity(data: bytes) -> bytes:
    """The Seizures relationship's target written with a character reference."""
    return data.replace(b"sheet2.xml", b"sheet&#50;.xml")


def sheet_target(part: str, target: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b'"/' + part.encode() + b'"', b'"' + target.encode() + b'"')


def twin_sheets(data: bytes) -> bytes:
    """Sheet Trainings renamed "seizures" (Excel compares sheet names without case)."""
    return data.replace(b'name="Trainings"', b'name="seizures"')


def far_row_first(data: bytes) -> bytes:
    """A value a million rows down, written before the header row."""
    return data.replace(b"<sheetData>", b"<sheetData>" + FAR_VALUE)


def far_right(data: bytes) -> bytes:
    """2,000 more rows, and a value in column XFD of the first."""
    return in_row(2, number_cell("XFD2"))(copies_of_row(3, 2000, 4)(data))


def value_after_rows(data: bytes) -> bytes:
    """A cell with a value after the last row, outside any."""
    return data.replace(b"</sheetData>", number_cell("A4") + b"</sheetData>")


def cases() -> dict[str, Case]:
    """Every case of the sweep, by name."""
    sst = "xl/sharedStrings.xml"
    far_formatted = b'<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>'
    counted_row = (
        b'<row r="1048576" customFormat="1"></row><row>'
        + b'<c t="inlineStr"><is><t>x</t></is></c></row>'
    )
    outside = SEIZURES_PART, "../../../etc/passwd"
    return {
        # Files that are no workbook, renamed .xlsx.
        "a text file": Case(
            "renamed", written(b"date,drug,kg\n2026-01-01,heroin,3\n"), "not a zip file"
        ),
        "an .xls workbook": Case("renamed", written(CFB_XLS), "Excel 97-2003 workbook (.xls)"),
        "an encrypted workbook (CFB)": Case("renamed", written(CFB_ENCRYPTED), "is encrypted"),
        "an .ods spreadsheet": Case("renamed", open_document, "OpenDocument spreadsheet (.ods)"),
        "a PDF": Case("renamed", written(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"), "is a PDF document"),
        "a PNG picture": Case("renamed", written(PNG), "is a PNG image"),
        "a Word document": Case(
            "renamed", foreign_zip("word/document.xml", WORD_TYPE), "is a Word document"
        ),
        "an Office theme": Case(
            "renamed", foreign_zip("theme/theme/theme1.xml", THEME_TYPE), "is an Office theme"
        ),
        "an empty file": Case("renamed", written(b""), "is empty (0 bytes)"),
        # The zip itself.
        "a zip cut in half": Case("zip", cut_in_half, "damaged or cut-short zip"),
        "a zip bomb part": Case("zip", zeros_part(20), "refused as a zip bomb"),
        "sizes declared beyond 4 GB": Case("zip", sizes_declared(3 * 1024**3), "would inflate to"),
        "two parts of one name": Case(
            "zip", adding((SEIZURES_PART, b"<worksheet/>")), "has two parts named"
        ),
        "two names differing in case": Case(
            "zip", adding(("XL/Workbook.xml", b"<workbook/>")), "has two parts named"
        ),
        "a name climbing out (../)": Case(
            "zip", adding(("../../etc/cron.d/x", b"x")), "not a name a workbook part"
        ),
        "an absolute name": Case(
            "zip", adding(("/etc/passwd", b"x")), "not a name a workbook part can have"
        ),
        "2,001 parts": Case(
            "zip", adding(*((f"customXml/i{n}.xml", b"<a/>") for n in range(2001))), "that many"
        ),
        "an encrypted member": Case(
            "zip", member_encrypted, "is encrypted (xl/worksheets/sheet2.xml)"
        ),
        "a nested zip bomb (embedded object)": Case("zip", nested_zip_bomb(50), None),
        # Parts missing, empty or of another kind.
        "no [Content_Types].xml": Case(
            "parts", changing(CONTENT_TYPES, lambda _: None), "without [Content_Types]"
        ),
        "no _rels/.rels": Case(
            "parts", changing("_rels/.rels", lambda _: None), "zip without _rels/.rels"
        ),
        "no workbook part": Case(
            "parts", changing("xl/workbook.xml", lambda _: None), "no xl/workbook.xml"
        ),
        "a sheet's part missing": Case(
            "parts", changing(SEIZURES_PART, lambda _: None), "'Seizures' has no part"
        ),
        "a sheet's part empty": Case(
            "parts", changing(SEIZURES_PART, lambda _: b""), "is empty (0 bytes)"
        ),
        "content types empty": Case(
            "parts", changing(CONTENT_TYPES, lambda _: b""), "cannot be read"
        ),
        "a sheet typed as a picture": Case(
            "parts", changing(CONTENT_TYPES, sheet_typed_as_picture), None
        ),
        "a sheet part that is a picture": Case(
            "parts", changing(SEIZURES_PART, lambda _: PNG), "not begin with an XML"
        ),
        "a sheet cut short": Case(
            "parts", changing(SEIZURES_PART, lambda d: d[: len(d) // 2]), "is cut short"
        ),
        "the workbook renamed (book.bin)": Case(
            "parts", changing("_rels/.rels", workbook_renamed), None
        ),
        # Document types and entities, in every kind of part.
        "DOCTYPE in [Content_Types].xml": Case(
            "entities", changing(CONTENT_TYPES, declared), "declares DOCTYPE"
        ),
        "DOCTYPE in _rels/.rels": Case(
            "entities", changing("_rels/.rels", declared), "_rels/.rels declares"
        ),
        "DOCTYPE in workbook.xml.rels": Case(
            "entities", changing(WORKBOOK_RELS, declared), "rels declares DOCTYPE"
        ),
        "DOCTYPE in the workbook": Case(
            "entities", changing("xl/workbook.xml", declared), "workbook.xml declares"
        ),
        "DOCTYPE in shared strings": Case(
            "entities", adding((sst, declared(shared_strings("1")))), "declares DOCTYPE"
        ),
        "DOCTYPE in the styles": Case(
            "entities", changing("xl/styles.xml", declared), "styles.xml declares"
        ),
        "DOCTYPE in the properties": Case(
            "entities", changing("docProps/core.xml", declared), "core.xml declares"
        ),
        "DOCTYPE in a sheet sheet2.bin": Case(
            "entities", renamed_sheet(BIN_PART, declare=True), "sheet2.bin declares"
        ),
        "ENTITY in a part nothing reaches": Case(
            "entities", adding(("customXml/i1.xml", ENTITY)), "declares ENTITY"
        ),
        "a sheet in UTF-16": Case(
            "entities", changing(SEIZURES_PART, in_utf16), "is written in UTF-16"
        ),
        "a picture (SVG) with a DOCTYPE": Case("entities", svg_picture, None),
        # Parts found through their relationships, whatever their name.
        "a formula in sheet2.bin": Case(
            "relationships", renamed_sheet(BIN_PART, formula=True), None, formula=True
        ),
        "a formula in a sheet named in capitals": Case(
            "relationships",
            renamed_sheet(SEIZURES_PART, target=CAPITALS, formula=True),
            None,
            formula=True,
        ),
        "a target written with an entity": Case(
            "relationships", changing(WORKBOOK_RELS, target_entity), "with an XML entity"
        ),
        "a sheet outside the package": Case(
            "relationships", changing(WORKBOOK_RELS, sheet_target(*outside)), "has no part"
        ),
        "two sheets of one name": Case(
            "relationships", changing("xl/workbook.xml", twin_sheets), "has two sheets named"
        ),
        "rows with another prefix": Case(
            "relationships", changing(SEIZURES_PART, foreign_prefix_rows), "namespace prefix x:"
        ),
        "every element prefixed": Case(
            "relationships", changing(SEIZURES_PART, prefixed(b"x")), None
        ),
        # Declared counts and sizes, and cells set out far beyond the data.
        "uniqueCount 10^11": Case(
            "counts",
            adding((sst, shared_strings("100000000000"))),
            "declares 100,000,000,000 shared",
            crashed=True,
        ),
        "uniqueCount 2^64-1": Case(
            "counts",
            adding((sst, shared_strings(str(2**64 - 1)))),
            "declares 18,446,744,073,709,551,615",
            crashed=True,
        ),
        "uniqueCount 10^11, prefixed": Case(
            "counts",
            adding((sst, shared_strings("100000000000", b"x:sst"))),
            "declares 100,000,000,000",
            crashed=True,
        ),
        "a range of the whole grid": Case(
            "counts", changing(SEIZURES_PART, with_dimension(b"A1:XFD1048576")), None
        ),
        "a range beyond the grid": Case(
            "counts",
            changing(SEIZURES_PART, with_dimension(b"A1:XFE1048577")),
            "beyond Excel's grid",
        ),
        "row 1,048,577": Case(
            "counts",
            changing(SEIZURES_PART, appended_rows(ROW_BEYOND)),
            "beyond Excel's last row",
        ),
        "a cell in column XFE": Case(
            "counts",
            changing(SEIZURES_PART, in_row(2, number_cell("XFE2"))),
            "XFE2, outside Excel's grid",
        ),
        "a cell in row 99,999,999,999": Case(
            "counts",
            changing(SEIZURES_PART, in_row(2, number_cell("A99999999999"))),
            "outside Excel's grid",
            crashed=True,
        ),
        "XFD1048576 written in row 1": Case(
            "counts",
            changing(SEIZURES_PART, in_row(1, number_cell("XFD1048576"))),
            "written in row 1",
            crashed=True,
        ),
        "a far row written first": Case(
            "counts", changing(SEIZURES_PART, far_row_first), "far below"
        ),
        "a stray value far down": Case(
            "counts", changing(SEIZURES_PART, appended_rows(FAR_VALUE)), "far below"
        ),
        "formatted empty cells far down": Case(
            "counts", changing(SEIZURES_PART, appended_rows(far_formatted)), None
        ),
        "a value far right of 2,000 rows": Case(
            "counts", changing(SEIZURES_PART, far_right), "as far out as XFD"
        ),
        "20,000 rows where About says 2": Case(
            "counts",
            changing(SEIZURES_PART, copies_of_row(3, 20_000, 4)),
            "says Seizures has 2 rows, the sheet holds 20,002",
            import_refusal=None,
        ),
        "an About sheet of 5,000 rows": Case(
            "counts",
            changing(ABOUT_PART, copies_of_row(3, 5_000, 100)),
            "About sheet has 5,0",
            import_refusal=None,
        ),
        "a sheet Notes of 5,000 rows": Case(
            "counts", extra_sheet(5_000), "has a sheet Notes of 5,000 rows", import_refusal=None
        ),
        "cells without references": Case("counts", changing(LISTS_PART, without_references), None),
        "cells counted past XFD": Case(
            "counts", changing(LISTS_PART, in_row(2, PAST_XFD)), "beyond Excel's last (16,384)"
        ),
        "a value outside any row": Case(
            "counts", changing(SEIZURES_PART, value_after_rows), "value outside any row"
        ),
        "a row counted past the last": Case(
            "counts", changing(SEIZURES_PART, appended_rows(counted_row)), "has a row 1,048,577"
        ),
    }
