"""The window opens with only the area on show: the spreadsheet readers, the charts and
the import, export, consolidation and report machinery load when first used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OPEN_AND_LIST = """
import sys
from pathlib import Path
from inl_desktop.gui.app import make_application
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.store.migrate import open_database
app = make_application()
path = Path(sys.argv[1])
window = MainWindow(AppContext(open_database(path, now=utc_now)), path)
window.show()
app.processEvents()
heavy = sys.argv[2].split(",")
print("loaded", sorted(name for name in heavy if name in sys.modules))
if len(sys.argv) > 3:
    window.show_area(int(sys.argv[3]))
    print("then", sorted(name for name in heavy if name in sys.modules))
window.wait_for_work()
window.close()
"""
HEAVY = [
    "openpyxl",
    "python_calamine",
    "PySide6.QtCharts",
    "inl_desktop.exchange",
    "inl_desktop.services.importing",
    "inl_desktop.services.consolidate",
    "inl_desktop.services.export",
    "inl_desktop.services.reports.hq",
    "inl_desktop.services.reports.accomplishments",
    "inl_desktop.gui.seizures.seizure_form",
]
DASHBOARD_AREA = "7"


def open_window(db_path: Path, *extra: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST, str(db_path), ",".join(HEAVY), *extra],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_window_opens_without_the_heavy_modules(db_path: Path) -> None:
    assert "loaded []" in open_window(db_path)


def test_an_area_loads_what_it_needs_when_first_shown(db_path: Path) -> None:
    out = open_window(db_path, DASHBOARD_AREA)

    assert "loaded []" in out
    assert "then ['PySide6.QtCharts'" in out
