"""The parts of an xlsx package, found the way python-calamine finds them.

An xlsx is a zip of parts tied together by relationships: ``_rels/.rels`` names the
workbook, the workbook's relationships name its sheets, and so on. A part's name says
nothing of what it is (a sheet may be called ``sheet2.bin``), so the checks made before
calamine reads a file follow the same relationships, by calamine's own rules: part
names compared without regard to case and with ``\\`` read as ``/``, the workbook, its
shared strings and its styles at fixed names in the folder of the document that
``_rels/.rels`` names. The small parts that say which part is which (content types,
relationships, the workbook's list of sheets) are parsed here with defusedxml, after
their bytes are checked for XML declarations.

A zip that is no workbook at all (a Word document, an OpenDocument spreadsheet, an
Office theme) is named for what it is.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from inl_desktop.domain.errors import UserError

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS = "_rels/.rels"
# Content types, relationships and the workbook's sheet list are read whole; none of a
# real workbook comes near this (a workbook part of 10,000 defined names is 2 MB).
MAX_SMALL_PART_BYTES = 32 * 1024**2
DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_UTF16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\xfe\xff")
_ENTITY_IN_TARGET = re.compile(rb"""\sTarget\s*=\s*["'][^"']*&""")
_OTHER_DOCUMENTS = {
    "wordprocessingml": "a Word document",
    "presentationml": "a PowerPoint presentation",
    "theme+xml": "an Office theme",
    "ms-excel.sheet.binary": "an Excel binary workbook (.xlsb)",
    "ms-excel.addin": "an Excel add-in",
    "visio": "a Visio drawing",
}
_OPEN_DOCUMENTS = {
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt)",
}


class WorkbookRefused(UserError):
    """A workbook that is not read (not an xlsx, hostile, wrong format...)."""


def declaration_refusal(name: str, part: str, declaration: bytes) -> WorkbookRefused:
    """The refusal of a part that declares a document type or an entity."""
    return WorkbookRefused(
        f"{name}: part {part} declares {declaration.decode()[2:]} (XML entities are "
        "refused: they can expand without bound)"
    )


def encoding_refusal(name: str, part: str, start: bytes) -> WorkbookRefused | None:
    """The refusal of an XML part written in UTF-16 or UTF-32, which calamine reads as
    empty and no spreadsheet program writes; None for a part that starts otherwise."""
    if start.startswith(_UTF16_OR_32):
        return WorkbookRefused(
            f"{name}: part {part} is written in UTF-16 or UTF-32, not UTF-8 as workbooks are"
        )
    return None


def key(member: str) -> str:
    """How calamine looks a part up: ``\\`` read as ``/``, without regard to case."""
    return member.replace("\\", "/").lower()


@dataclass
class Package:
    """The parts of a workbook and what reaches them.

    ``sheets`` maps each sheet name, in the workbook's order, to the zip member
    calamine reads for it; ``reached`` maps members to the kinds of relationship
    (``worksheet``, ``image``...) that reach them.
    """

    members: dict[str, zipfile.ZipInfo]
    content_types: dict[str, str]
    sheets: dict[str, str] = field(default_factory=dict)
    shared_strings: str | None = None
    date1904: bool = False
    reached: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def member(self, path: str) -> zipfile.ZipInfo | None:
        """The member at ``path`` as calamine finds it, None if there is none."""
        return self.members.get(key(path))

    def content_type(self, member: str) -> str:
        """The content type [Content_Types].xml gives a member ("" when it gives none)."""
        named = self.content_types.get("/" + key(member))
        if named is not None:
            return named
        extension = posixpath.splitext(key(member))[1].lstrip(".")
        return self.content_types.get(extension, "")

    def worksheets(self) -> set[str]:
        """Every member that may be read as a worksheet: the sheets of the workbook (whatever
        their relationship says they are), any part a worksheet relationship reaches, and
        the parts under xl/worksheets/."""
        found = set(self.sheets.values())
        found.update(m for m, kinds in self.reached.items() if "worksheet" in kinds)
        found.update(
            info.filename
            for info in self.members.values()
            if key(info.filename).startswith("xl/worksheets/")
            and key(info.filename).endswith(".xml")
        )
        return found

    def is_image(self, member: str) -> bool:
        """Whether a member is a picture and nothing but a picture reaches it."""
        kinds = self.reached.get(member, set())
        return self.content_type(member).startswith("image/") and kinds <= {"image"}


def member_map(name: str, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by calamine's lookup name; WorkbookRefused for two members
    with one such name, or a name that is not a part name (``../x``, ``/x``, ``C:x``)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        lookup = key(info.filename)
        segments = lookup.split("/")
        if (
            lookup.startswith("/")
            or ".." in segments
            or "." in segments
            or re.match(r"^[a-z]:", lookup)
            or any(ord(character) < 32 for character in lookup)
        ):
            raise WorkbookRefused(
                f"{name} has a part named {info.filename!r}, which is not a name a workbook "
                "part can have: refused"
            )
        if lookup in members:
            raise WorkbookRefused(
                f"{name} has two parts named {info.filename!r}: a workbook has one of each"
            )
        members[lookup] = info
    return members


def read_package(name: str, archive: zipfile.ZipFile) -> Package:
    """Find the parts of the workbook ``archive`` (of file ``name``) as calamine will;
    WorkbookRefused, with a message, when it is not a workbook calamine can open."""
    members = member_map(name, archive)
    if "mimetype" in members and CONTENT_TYPES.lower() not in members:
        kind = _small(name, archive, members["mimetype"]).decode("ascii", "replace").strip()
        if kind in _OPEN_DOCUMENTS:
            raise WorkbookRefused(
                f"{name} is {_OPEN_DOCUMENTS[kind]}, not an xlsx workbook: "
                "save it as .xlsx (Excel Workbook) first"
            )
    if CONTENT_TYPES.lower() not in members:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (a zip without [Content_Types].xml)")
    package = Package(members, _content_types(name, archive, members[CONTENT_TYPES.lower()]))
    if PACKAGE_RELATIONSHIPS not in members:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (a zip without _rels/.rels)")
    document = _follow(name, archive, package)
    _read_workbook(name, archive, package, document)
    return package


def _follow(name: str, archive: zipfile.ZipFile, package: Package) -> str:
    """Walk the relationships from _rels/.rels, noting what reaches each part; the target
    of the package's officeDocument relationship (calamine takes the last)."""
    document = None
    pending = [("", PACKAGE_RELATIONSHIPS)]
    seen = {PACKAGE_RELATIONSHIPS}
    while pending:
        source, rels = pending.pop()
        for relation in _relationships(name, archive, package.members[rels]):
            kind, target = relation.get("Type", ""), relation.get("Target", "")
            if source == "" and kind.endswith("/relationships/officeDocument"):
                document = target
            if relation.get("TargetMode") == "External" or not target:
                continue
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            )
            info = package.member(path)
            if info is None:
                continue
            package.reached[info.filename].add(kind.rsplit("/", 1)[-1])
            folder, base = posixpath.split(key(info.filename))
            next_rels = posixpath.join(folder, "_rels", base + ".rels")
            if next_rels in package.members and next_rels not in seen:
                seen.add(next_rels)
                pending.append((key(info.filename), next_rels))
    if document is None:
        raise WorkbookRefused(f"{name} is not an xlsx workbook (its _rels/.rels names no document)")
    return document


def _read_workbook(name: str, archive: zipfile.ZipFile, package: Package, document: str) -> None:
    """The sheets of the workbook, as calamine resolves them (``xl/workbook.xml`` and its
    relationships in the folder of the document, whatever the document's own name)."""
    slash = document.rfind("/")
    folder = document[: slash + 1].removeprefix("/") if slash != -1 else ""
    workbook = package.member(folder + "workbook.xml")
    relations = package.member(folder + "_rels/workbook.xml.rels")
    if workbook is None or relations is None:
        kind = package.content_type(document.lstrip("/"))
        for marker, what in _OTHER_DOCUMENTS.items():
            if marker in kind:
                raise WorkbookRefused(
                    f"{name} is {what}, not an xlsx workbook (a file renamed .xlsx?)"
                )
        missing = folder + ("workbook.xml" if workbook is None else "_rels/workbook.xml.rels")
        raise WorkbookRefused(f"{name} is not an xlsx workbook (no {missing})")
    targets = {
        relation.get("Id", ""): relation.get("Target", "")
        for relation in _relationships(name, archive, relations)
    }
    shared = package.member(folder + "sharedStrings.xml")
    package.shared_strings = shared.filename if shared is not None else None
    root = _parse(name, archive, workbook)
    for element in root.iter():
        if _local(element.tag) == "workbookPr":
            flag = (element.get("date1904") or "").strip().lower()
            package.date1904 = flag in ("1", "true")
        if _local(element.tag) != "sheet":
            continue
        sheet = element.get("name", "")
        relation = next(
            (
                value
                for attribute, value in reversed(element.attrib.items())
                if _local(attribute) == "id"
            ),
            "",
        )
        target = targets.get(relation)
        if target is None:
            raise WorkbookRefused(f"{name}: sheet {sheet!r} has no relationship in the workbook")
        if sheet.lower() in (known.lower() for known in package.sheets):
            raise WorkbookRefused(f"{name} has two sheets named {sheet!r}")
        path = target[1:] if target.startswith("/") else folder + target
        info = package.member(path)
        if info is None:
            raise WorkbookRefused(f"{name}: sheet {sheet!r} has no part ({path} is missing)")
        package.sheets[sheet] = info.filename


def _relationships(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[Element]:
    data = _small(name, archive, info)
    if _ENTITY_IN_TARGET.search(data):
        raise WorkbookRefused(
            f"{name}: part {info.filename} writes a relationship target with an XML entity"
        )
    return [
        element
        for element in _parse(name, archive, info, data).iter()
        if _local(element.tag) == "Relationship"
    ]


def _content_types(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, str]:
    """Extension (``xml``) or part name (``/xl/workbook.xml``, lower case) -> content type."""
    types: dict[str, str] = {}
    for element in _parse(name, archive, info).iter():
        local = _local(element.tag)
        if local == "Default":
            types[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif local == "Override":
            types[key(element.get("PartName", ""))] = element.get("ContentType", "")
    return types


def _small(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_SMALL_PART_BYTES:
        raise WorkbookRefused(
            f"{name}: part {info.filename} is {info.file_size / 1024**2:,.0f} MB; "
            "no workbook has one that large"
        )
    try:
        return archive.read(info)
    except zipfile.BadZipFile as error:
        raise WorkbookRefused(f"{name}: part {info.filename} is damaged ({error})") from None
    except (EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise WorkbookRefused(f"{name}: part {info.filename} cannot be read ({error})") from None


def _parse(
    name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes | None = None
) -> Element:
    data = _small(name, archive, info) if data is None else data
    for declaration in DECLARATIONS:
        if declaration in data:
            raise declaration_refusal(name, info.filename, declaration)
    refusal = encoding_refusal(name, info.filename, data[:8])
    if refusal is not None:
        raise refusal
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise WorkbookRefused(f"{name}: part {info.filename} cannot be read ({error})") from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
