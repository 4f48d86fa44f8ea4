"""What a worksheet part holds, learnt from its bytes before any reader loads it.

calamine keeps each cell with a value, then sets out the rectangle from the first of
them to the last, empty cells included, 32 bytes a cell: two values at A1 and
XFD1048576 make it ask for 550 GB and abort the process, whatever the file's size. It
places a cell by its ``r`` attribute (``r="C7"``), or just after the cell before it
when there is none, and ignores namespace prefixes. So each worksheet is read here,
chunk by chunk, for:

- the rows that hold a value (how many, and the lowest), and the rightmost column
  that holds one, where calamine will place them;
- every row and cell reference within Excel's grid (1,048,576 rows, 16,384 columns),
  and every value in the row its reference names and inside a row;
- whether it holds formulas or error cells (the readers locate them);
- its cells written with the namespace prefix of its root element, and no other.

Reading each cell reference in Python would take longer than calamine's own read, so
in a sheet written as every program writes them (``<c r="B7" ...>``) one search finds
the cells whose reference lies beyond the rows and columns that hold values so far,
and only those are looked at; the cells of a sheet written otherwise are followed one
by one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from inl_desktop.exchange.package import WorkbookRefused

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
# An element's tag is read whole; a real tag is a few hundred bytes at most.
MAX_TAG_BYTES = 1024 * 1024
# How much of a sheet's first cells are followed one by one to learn its columns.
_FIRST_CELLS_BYTES = 64 * 1024
_NAME = rb"[A-Za-z_][\w.\-]*"
_R_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*(["'])([A-Za-z]*)([0-9]+)\1""")
_SHEET_ELEMENTS = re.compile(rb":(?:row|c|v|is|f|sheetData)(?=[\s>/])")
_UNPREFIXED_ELEMENTS = re.compile(rb"</?(?:row|c|v|is|f|sheetData)(?=[\s>/])")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_CELL = re.compile(rb"([A-Za-z]+)([0-9]+)")
_TAG_END = b" \t\r\n/>"
_TAG_END_CHARACTERS = frozenset(bytes([character]) for character in _TAG_END)


@dataclass(frozen=True)
class SheetShape:
    """What the scan saw in one worksheet part.

    ``value_rows`` counts the rows holding a value (a header row included);
    ``last_row`` and ``last_column`` are the 1-based numbers of the lowest row and the
    rightmost column holding one (0 when the sheet has none).
    """

    value_rows: int = 0
    last_row: int = 0
    last_column: int = 0
    formulas: bool = False
    error_cells: bool = False

    @property
    def cells_set_out(self) -> int:
        """How many cells, at most, calamine sets out for the sheet (rows x columns)."""
        return self.last_row * self.last_column


class SheetScanner:
    """Feed a worksheet part's bytes in order, then ``finish`` for its shape;
    WorkbookRefused as soon as a reference leaves the grid or a value its row."""

    def __init__(self, name: str, part: str) -> None:
        self._name, self._part = name, part
        self._carry = b""
        self._prefix: bytes | None = None
        self._started = self._ended = False
        self._open: int | None = None  # the number of the row element being read
        self._open_has_value = False
        self._next_row = 1  # the number calamine gives a row without an r attribute
        self._column = 1  # the column calamine gives a cell without an r attribute
        self._value_rows = self._last_row = self._last_column = 0
        self._formulas = self._error_cells = False
        # Where each row's content starts in the region and its number (None: outside).
        self._rows: list[tuple[int, int | None]] = []
        self._region_column = 1  # the column of the next cell where the region starts

    def feed(self, block: bytes) -> None:
        """Read the next bytes of the part."""
        window = self._carry + block
        if self._prefix is None:
            self._prefix = self._root_prefix(window)
            if self._prefix is None:
                self._carry = window
                return
            self._compile(self._prefix)
        end = complete_tags_end(window)
        if len(window) - end > MAX_TAG_BYTES:
            raise self._refusal("has a tag longer than 1 MB")
        self._region(window, end)
        self._carry = window[end:]

    def finish(self) -> SheetShape:
        """The shape of the part, once every byte has been fed."""
        if self._prefix is None:
            raise self._refusal("does not begin with an XML element")
        if self._carry:
            self._region(self._carry, len(self._carry))
        if self._started and not self._ended:
            raise self._refusal("is cut short (its sheet data does not end)")
        self._close_row()
        return SheetShape(
            self._value_rows, self._last_row, self._last_column, self._formulas, self._error_cells
        )

    # -- a region: the bytes of a window up to the end of its last complete tag --------

    def _region(self, window: bytes, end: int) -> None:
        low, high = self._sheet_data(window, end)
        if low >= high:
            return
        self._check_prefixes(window, low, high)
        self._note_marks(window, low, high)
        self._rows = [(low, self._open)]
        self._region_column = self._column
        position = low
        for start in self._row_starts(window, low, high):
            self._absorb(window, position, start)
            self._close_row()
            tag_end = window.find(b">", start, high)
            if tag_end == -1:
                raise self._refusal("is not well-formed (a row tag is not closed)")
            position = tag_end + 1
            self._open_row(window, start, position)
            self._rows.append((position, self._open))
        self._absorb(window, position, high)
        self._place_cells(window, low, high, position)

    def _row_starts(self, window: bytes, low: int, high: int) -> Iterator[int]:
        """Where each row element of ``window[low:high]`` begins (a plain search for
        ``<row`` is several times faster than a pattern's)."""
        tag, length = self._row_tag, len(self._row_tag)
        start = window.find(tag, low, high)
        while start != -1:
            if window[start + length : start + length + 1] in _TAG_END_CHARACTERS:
                yield start
            start = window.find(tag, start + length, high)

    def _sheet_data(self, window: bytes, end: int) -> tuple[int, int]:
        """The part of ``window[:end]`` inside <sheetData> (calamine reads nothing else)."""
        if self._ended:
            return 0, 0
        low = 0
        if not self._started:
            match = self._sheet_data_start.search(window, 0, end)
            self._check_dimension(window, match.start() if match is not None else end)
            if match is None:
                return 0, 0
            self._started = True
            tag_end = window.find(b">", match.start(), end)
            if window[tag_end - 1 : tag_end] == b"/":
                self._ended = True
                return 0, 0
            low = tag_end + 1
        closing = window.find(self._sheet_data_end, low, end)
        if closing != -1:
            self._ended = True
            return low, closing
        return low, end

    def _absorb(self, window: bytes, start: int, end: int) -> None:
        """The bytes between two row tags: the open row's content, then any after its end."""
        if start >= end:
            return
        # The row's end tag, normally just before the next row's start.
        row_end = window.rfind(self._row_end, start, end) if self._open is not None else start
        if row_end == -1:
            row_end = end
        if self._open is not None and self._value.search(window, start, row_end):
            self._open_has_value = True
        if row_end < end:
            self._close_row()
            self._rows.append((row_end, None))
            if self._value.search(window, row_end, end):
                raise self._refusal("holds a value outside any row")

    def _open_row(self, window: bytes, start: int, end: int) -> None:
        match = _R_ATTRIBUTE.search(window, start, end)
        number = int(match.group(3)) if match is not None else self._next_row
        if number > MAX_ROW:
            raise self._refusal(f"has a row {number:,}, beyond Excel's last row ({MAX_ROW:,})")
        self._open, self._open_has_value = number, False
        self._next_row, self._column = number + 1, 1
        if window[end - 2 : end] == b"/>":
            self._close_row()
            self._rows.append((end, None))

    def _close_row(self) -> None:
        if self._open is not None and self._open_has_value:
            self._value_rows += 1
            self._last_row = max(self._last_row, self._open)
        self._open, self._open_has_value = None, False

    # -- cells -------------------------------------------------------------------------

    def _place_cells(self, window: bytes, low: int, high: int, last_row_start: int) -> None:
        """Look at the cells whose reference lies beyond the lowest row and the rightmost
        column holding a value so far (so at every reference beyond the grid): the cells
        of the row not yet closed, formatted empty cells, and values placed far out.
        Should a cell of the region not begin ``<c r="...`` (no reference, or another
        attribute first), follow every cell of the region instead."""
        if self._last_column == 0:
            # Learn the columns from the first cells, or the search would find them all.
            first = window.rfind(b"<", low, min(high, low + _FIRST_CELLS_BYTES))
            self._follow_cells(window, low, first if first > low else high)
        for match in self._unusual(self._last_row, self._last_column).finditer(window, low, high):
            if window[match.end() : match.end() + 4] not in (b' r="', b" r='"):
                self._follow_cells(window, low, high)
                return
            reference = _R_ATTRIBUTE.search(window, match.start(), match.start() + 64)
            if reference is not None:  # (r="A" has no row: calamine refuses it itself)
                self._place(window, match.start(), high, reference.group(2), reference.group(3))
        last_cell = window.rfind(self._plain_cell, last_row_start, high)
        reference = _R_ATTRIBUTE.search(window, last_cell, high) if last_cell != -1 else None
        if reference is not None:
            self._column = _column_number(reference.group(2)) + 1

    def _follow_cells(self, window: bytes, low: int, high: int) -> None:
        """Place each cell as calamine does: by its reference, else after the one before.
        ``low`` is where the region starts: the row open there goes on where it was."""
        row_index, self._column = 0, self._region_column
        for match in self._cell_start.finditer(window, low, high):
            position = match.start()
            index = bisect.bisect_right(self._rows, position, key=_start) - 1
            if index != row_index:
                row_index, self._column = index, 1
            tag_end = window.find(b">", position, high)
            reference = _R_ATTRIBUTE.search(window, position, tag_end if tag_end != -1 else high)
            if reference is not None:
                self._place(window, position, high, reference.group(2), reference.group(3))
                self._column = _column_number(reference.group(2)) + 1
                continue
            if self._column > MAX_COLUMN:
                raise self._refusal(
                    f"has a cell in column {self._column:,}, beyond Excel's last ({MAX_COLUMN:,})"
                )
            if self._cell_has_value(window, position, high):
                if self._rows[index][1] is None:
                    raise self._refusal("holds a value outside any row")
                self._last_column = max(self._last_column, self._column)
            self._column += 1
        if row_index != len(self._rows) - 1:  # rows began after the last cell
            self._column = 1

    def _place(self, window: bytes, position: int, end: int, letters: bytes, digits: bytes) -> None:
        column, row = _column_number(letters), int(digits)
        reference = f"{letters.decode()}{row}"
        if not 0 < column <= MAX_COLUMN or not 0 < row <= MAX_ROW:
            raise self._refusal(f"has a cell {reference}, outside Excel's grid")
        if not self._cell_has_value(window, position, end):
            return
        enclosing = self._rows[bisect.bisect_right(self._rows, position, key=_start) - 1][1]
        if enclosing is None:
            raise self._refusal(f"holds a value in cell {reference}, outside any row")
        if enclosing != row:
            raise self._refusal(
                f"holds a value in cell {reference} written in row {enclosing:,}: "
                "a value must be in the row its reference names"
            )
        self._last_column = max(self._last_column, column)

    def _cell_has_value(self, window: bytes, position: int, end: int) -> bool:
        tag_end = window.find(b">", position, end)
        if tag_end == -1:
            return True
        if window[tag_end - 1 : tag_end] == b"/":
            return False
        closing = window.find(self._cell_end, tag_end, end)
        if closing == -1:
            return True  # the cell goes on past this chunk: assume the worst
        return self._value.search(window, tag_end, closing) is not None

    def _check_dimension(self, window: bytes, end: int) -> None:
        """Refuse a declared range (``<dimension ref="A1:C9"/>``) beyond Excel's grid."""
        match = self._dimension.search(window, 0, end)
        if match is None:
            return
        for corner in _CELL.finditer(match.group(2)):
            letters, digits = corner.group(1), corner.group(2)
            if _column_number(letters) > MAX_COLUMN or int(digits) > MAX_ROW:
                raise self._refusal(
                    f"declares the range {match.group(2).decode(errors='replace')[:40]}, "
                    "beyond Excel's grid"
                )

    # -- markers and prefixes ----------------------------------------------------------

    def _note_marks(self, window: bytes, low: int, high: int) -> None:
        if not self._formulas:
            self._formulas = _opens(window, self._formula_tag, low, high)
        if not self._error_cells and (
            window.find(b'"e"', low, high) != -1 or window.find(b"'e'", low, high) != -1
        ):
            self._error_cells = _ERROR_TYPE.search(window, low, high) is not None

    def _check_prefixes(self, window: bytes, low: int, high: int) -> None:
        """Refuse sheet elements written with another prefix than the root's (calamine
        reads them all, the searches here would not see them)."""
        prefix = self._prefix or b""
        if not prefix and window.find(b":", low, high) == -1:
            return
        for match in _SHEET_ELEMENTS.finditer(window, low, high):
            colon = match.start()
            opening = window.rfind(b"<", max(low, colon - 256), colon)
            if opening == -1:
                continue
            name = window[opening + 1 : colon].lstrip(b"/")
            if re.fullmatch(_NAME, name) and name + b":" != prefix:
                raise self._refusal(
                    f"writes cells with the namespace prefix {name.decode()}:, which is not "
                    "its own; refused"
                )
        if prefix and _UNPREFIXED_ELEMENTS.search(window, low, high):
            raise self._refusal("writes its cells both with and without a namespace prefix")

    def _root_prefix(self, window: bytes) -> bytes | None:
        try:
            prefix = root_prefix(window)
        except ValueError:
            raise self._refusal("does not begin with an XML element") from None
        if prefix is None and len(window) > MAX_TAG_BYTES:
            raise self._refusal("has no root element in its first megabyte")
        return prefix

    def _compile(self, prefix: bytes) -> None:
        escaped = re.escape(prefix)
        self._row_tag = b"<" + prefix + b"row"
        self._row_end = b"</" + prefix + b"row>"
        self._sheet_data_start = re.compile(b"<" + escaped + rb"sheetData(?=[\s>/])")
        self._sheet_data_end = b"</" + prefix + b"sheetData>"
        self._dimension = re.compile(
            b"<" + escaped + rb"""dimension\s[^>]*?\bref\s*=\s*(["'])([^"']*)\1"""
        )
        self._value = re.compile(b"<" + escaped + rb"(?:v|is)(?=[\s>])")
        self._cell_tag = b"<" + prefix + b"c"
        self._cell_start = re.compile(b"<" + escaped + rb"c(?=[\s>/])")
        self._cell_end = b"</" + prefix + b"c>"
        self._plain_cell = self._cell_tag + b" r="
        self._formula_tag = b"<" + prefix + b"f"

    def _unusual(self, rows: int, columns: int) -> re.Pattern[bytes]:
        """The cells not written ``<c r="...``, and those whose reference names a row
        beyond ``rows`` or a column beyond ``columns``. It is tried at every cell of the
        sheet, so it is kept plain: a cell, unless written plainly within those bounds."""
        return re.compile(
            re.escape(self._cell_tag)
            + rb"""(?=[\s>/])(?! r=["'](?!"""
            + _letters_above(columns)
            + rb"[0-9]|[A-Za-z]++"
            + _digits_above(rows)
            + rb"""["']))"""
        )

    def _refusal(self, what: str) -> WorkbookRefused:
        return WorkbookRefused(f"{self._name}: part {self._part} {what}")


def root_prefix(window: bytes) -> bytes | None:
    """The namespace prefix of the root element of the XML that ``window`` begins
    (``x:``, b"" for none), past its declaration, comments and processing instructions;
    None if the root element is not in ``window``. ValueError if it is not XML."""
    position = 0
    while True:
        opening = window.find(b"<", position)
        if opening == -1 or opening + 1 >= len(window):
            return None
        if window[position:opening].strip(b"\xef\xbb\xbf \t\r\n"):
            raise ValueError("text before the root element")
        after = window[opening + 1 : opening + 4]
        if after[:1] in (b"?", b"!"):
            closer = b"?>" if after.startswith(b"?") else b"-->" if after == b"!--" else b">"
            close = window.find(closer, opening)
            if close == -1:
                return None
            position = close + len(closer)
            continue
        name = re.match(_NAME + rb"(?::" + _NAME + rb")?", window[opening + 1 : opening + 300])
        if name is None:
            raise ValueError("no element name")
        text = name.group(0)
        return text[: text.index(b":") + 1] if b":" in text else b""


def _start(entry: tuple[int, int | None]) -> int:
    return entry[0]


def complete_tags_end(window: bytes) -> int:
    """Where the last complete tag of ``window`` ends (its length when no tag is cut)."""
    last = window.rfind(b"<")
    if last == -1 or window.find(b">", last) != -1:
        return len(window)
    return last


def _opens(window: bytes, tag: bytes, start: int, end: int) -> bool:
    """Whether ``tag`` opens an element (``<f>``, ``<f t="shared"/>``, not ``<filterColumn``)."""
    position = window.find(tag, start, end)
    while position != -1:
        after = window[position + len(tag) : position + len(tag) + 1]
        if after and after in _TAG_END:
            return True
        position = window.find(tag, position + 1, end)
    return False


def _digits_above(number: int) -> bytes:
    """A pattern for the decimal numbers above ``number`` (leading zeros allowed), as a
    tree of its digits so that a number is read once (it is tried at every cell)."""
    text = str(number)

    def after(index: int) -> bytes:
        if index == len(text):
            return b"(?!)"
        digit, left = int(text[index]), len(text) - index - 1
        larger = b"[%d-9][0-9]{%d}|" % (digit + 1, left) if digit < 9 else b""
        return larger + b"%d(?:%s)" % (digit, after(index + 1))

    return b"0*+(?:[1-9][0-9]{%d,}|%s)" % (len(text), after(0))


def _letters_above(column: int) -> bytes:
    """A pattern for the column letters after column ``column`` (1-based; A is 1), in
    either case, as calamine reads them."""
    if column < 1:
        return rb"[A-Za-z]++"
    letters = column_letters(column - 1)
    options = [b"[A-Za-z]{%d}" % (len(letters) + 1)]
    for index, letter in enumerate(letters):
        if letter != "Z":
            after = chr(ord(letter) + 1)
            options.append(
                b"".join(b"[%s%s]" % (c.encode(), c.lower().encode()) for c in letters[:index])
                + b"[%s-Z%s-z]" % (after.encode(), after.lower().encode())
                + b"[A-Za-z]{%d}" % (len(letters) - index - 1)
            )
    return b"(?:" + b"|".join(options) + b")"


def _column_number(letters: bytes) -> int:
    """The 1-based number of a column's letters, as calamine reads them (A and a are 1)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def column_letters(index: int) -> str:
    """The letters of a 0-based column index (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
