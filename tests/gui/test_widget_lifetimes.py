"""Who owns what: Python's view of the widgets must agree with Qt's, and Python's
cycle collector must never run in a worker thread.

Two failures taught this. Walking Qt's focus chain from Python tied every input
of a form into one ring of wrappers (PySide's return-value heuristic makes each
widget ``nextInFocusChain()`` returns a Python child of the one asked), so
removing an item row invalidated the wrappers of every field after it while the
widgets lived on. And the collector, run by whichever thread allocated, once
destroyed a closed page's widgets in a worker reading the database.
"""

from __future__ import annotations

import ast
import gc
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from inl_desktop.gui.common.workers import LatestOnly, Task
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.seizures.seizure_form import SeizureForm
from inl_desktop.gui.trainings.training_form import TrainingForm
from inl_desktop.services.context import AppContext
from inl_desktop.services.demo import generate_demo

GUI = Path(__file__).resolve().parents[2] / "inl_desktop" / "gui"
FOCUS_CHAIN_WALKS = ("nextInFocusChain", "previousInFocusChain")


# -- no walks of the focus chain ---------------------------------------------------------


def focus_chain_walks(source: str) -> list[int]:
    """Lines of ``source`` that call nextInFocusChain or previousInFocusChain."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in FOCUS_CHAIN_WALKS
    ]


def test_no_gui_module_walks_the_focus_chain() -> None:
    offences = [
        f"{path.name}:{line}"
        for path in sorted(GUI.rglob("*.py"))
        for line in focus_chain_walks(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_the_check_finds_a_walk() -> None:
    source = "def chain(w):\n    return [w, w.nextInFocusChain()]\n"
    assert focus_chain_walks(source) == [2]


# -- Python's owners are Qt's --------------------------------------------------------------


def python_parent_id(widget: QWidget) -> int | None:
    """The id of the wrapper Python counts as ``widget``'s owner, if any."""
    found = re.search(r"^parent\.+ <.* at (0x[0-9a-f]+)>", Shiboken.dump(widget), re.M)
    return int(found.group(1), 16) if found else None


def owner_disagreements(form: QWidget, inputs: dict[str, QWidget]) -> list[str]:
    """Inputs whose Python owner is neither a Qt ancestor nor the label naming them."""
    labels = {id(label) for label in form.findChildren(QLabel) if label.buddy() is not None}
    wrong = []
    for name, widget in inputs.items():
        owner = python_parent_id(widget)
        ancestors = []
        parent = widget.parentWidget()
        while parent is not None:
            ancestors.append(id(parent))
            parent = parent.parentWidget()
        # PySide makes a label the owner of its buddy; they live and die together.
        if owner is not None and owner not in ancestors and owner not in labels:
            wrong.append(name)
    return wrong


@pytest.fixture
def seizure_form(qtbot: QtBot, app: QApplication, ctx: AppContext) -> Iterator[SeizureForm]:
    shown = SeizureForm(ctx)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown


def test_removing_item_rows_leaves_every_field_usable(seizure_form: SeizureForm) -> None:
    form = seizure_form
    for round_ in range(5):
        for _ in range(3):
            form.items_grid.add_row()
        form.items_grid.remove_row(1)
        form.new_record()  # takes the extra rows away
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        invalid = [name for name, w in form.inputs.items() if not Shiboken.isValid(w)]
        assert invalid == [], f"round {round_}: {invalid}"
        assert owner_disagreements(form, form.inputs) == []
    # The fields answer: text goes in and comes back out.
    form.inputs["place"].setText("Torkham")
    assert form.inputs["place"].text() == "Torkham"


def test_a_session_form_reused_keeps_its_fields(
    qtbot: QtBot, app: QApplication, ctx: AppContext
) -> None:
    form = TrainingForm(ctx)
    qtbot.addWidget(form)
    form.show()
    for _ in range(5):
        form.roster_grid.add_new_person()
        form.new_record()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        assert [n for n, w in form.inputs.items() if not Shiboken.isValid(w)] == []
        assert owner_disagreements(form, form.inputs) == []


# -- the collector runs in the GUI thread only ---------------------------------------------


class Collections:
    """The threads in which Python's cycle collector ran."""

    def __init__(self) -> None:
        self.threads: list[str] = []

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self.threads.append(threading.current_thread().name)


@pytest.fixture
def forced_collection() -> Iterator[Collections]:
    """The collector's thresholds at their lowest, so any allocation may trip it."""
    seen = Collections()
    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    gc.callbacks.append(seen)
    yield seen
    gc.callbacks.remove(seen)
    gc.set_threshold(*thresholds)


class CycleHolder(QObject):
    """Qt garbage in a reference cycle that records the thread that finalizes it."""

    finalized_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        self.me = self

    def __del__(self) -> None:
        CycleHolder.finalized_in.append(threading.current_thread().name)


def allocate(n: int) -> int:
    """Work that allocates the way reading rows does."""
    rows = [[i, str(i)] for i in range(n)]
    return len(rows)


def test_workers_never_collect_even_under_forced_collection(
    qtbot: QtBot, app: QApplication, forced_collection: Collections
) -> None:
    CycleHolder.finalized_in.clear()
    for _ in range(20):
        CycleHolder()
    latest, task = LatestOnly(), Task()
    results: list[object] = []
    latest.result_ready.connect(results.append)
    task.succeeded.connect(results.append)
    for _ in range(5):
        latest.start(lambda: allocate(50_000))
        with qtbot.waitSignal(task.succeeded, timeout=30_000):
            task.start(lambda _report: allocate(50_000))
        latest.wait()
    qtbot.waitUntil(lambda: len(CycleHolder.finalized_in) == 20)

    main = threading.main_thread().name
    assert len(results) >= 6
    assert set(forced_collection.threads) == {main}
    assert set(CycleHolder.finalized_in) == {main}


def test_the_check_sees_a_worker_collect_when_nobody_stops_it(
    forced_collection: Collections,
) -> None:
    # The same work, with automatic collection on (as Python leaves it): the worker
    # thread then collects, which is what the check above must be able to see.
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        worker = threading.Thread(target=allocate, args=(50_000,), name="worker")
        worker.start()
        worker.join()
    finally:
        if not was_enabled:
            gc.disable()
    assert "worker" in forced_collection.threads


def test_every_area_works_in_the_background_under_forced_collection(
    qtbot: QtBot,
    app: QApplication,
    ctx: AppContext,
    db_path: Path,
    tmp_path: Path,
    forced_collection: Collections,
) -> None:
    generate_demo(ctx, seizure_items=300, trainings=4)
    window = MainWindow(ctx, db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(2):
        for area in range(10):
            window.show_area(area)
            CycleHolder()
        window.seizures.wait_for_totals()
        window.trainings.wait_for_totals()
        window.people.wait_for_counts()
        window.dashboard.wait()
        window.report.wait()
        window.backups.wait()
        gc.collect()
    window.export.file_edit.setText(str(tmp_path / "isb.xlsx"))
    with qtbot.waitSignal(window.export.task.succeeded, timeout=60_000):
        assert window.export.start_export()

    assert (tmp_path / "isb.xlsx").exists()
    assert set(forced_collection.threads) == {threading.main_thread().name}
