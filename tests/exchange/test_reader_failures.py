"""What python-calamine raises, its panics included, is a one-line refusal; Ctrl+C is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from inl_desktop.exchange import reader, sources
from inl_desktop.exchange.safety import WorkbookRefused, reader_failures
from inl_desktop.exchange.sources import UnreadableSource, read_source

# pyo3 raises its PanicException, a BaseException, from a module one cannot import.
PanicException = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})


class PanickingReader:
    """Stands for CalamineWorkbook when the Rust reader panics while opening a file."""

    @classmethod
    def from_path(cls, _path: str) -> Any:
        raise PanicException("capacity overflow")


def workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Drug", "Kilos"])
    sheet.append(["2026-01-01", "Heroin", 3])
    book.save(path)
    return path


def test_a_reader_panic_is_refused_in_one_line() -> None:
    refused = pytest.raises(WorkbookRefused, match=r"^book\.xlsx: the reader failed on it \(capa")
    with refused, reader_failures("book.xlsx"):
        raise PanicException("capacity overflow")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_an_interruption_is_not_taken_for_a_refusal(interruption: type[BaseException]) -> None:
    with pytest.raises(interruption), reader_failures("book.xlsx"):
        raise interruption()


def test_an_import_whose_reader_panics_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "seizures.xlsx")
    monkeypatch.setattr(sources, "CalamineWorkbook", PanickingReader)

    with pytest.raises(UnreadableSource, match=r"seizures\.xlsx cannot be read") as refused:
        read_source(path)

    assert "\n" not in str(refused.value) and "capacity overflow" in str(refused.value)


def test_an_exchange_workbook_whose_reader_panics_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "post.xlsx")
    monkeypatch.setattr(reader, "CalamineWorkbook", PanickingReader)

    with pytest.raises(WorkbookRefused, match=r"post\.xlsx cannot be read as an xlsx workbook"):
        reader.open_workbook(path)
