"""Start the GUI: open the database (signing in to an encrypted one), set up the post on
first start, show the window fitted to who signed in."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from inl_desktop import __version__
from inl_desktop.domain.errors import UserError
from inl_desktop.gui.common.collector import GuiThreadCollector
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.safety.session import guard_window
from inl_desktop.gui.startup import PROGRAM, StartupQuestions
from inl_desktop.services.context import AppContext, utc_now
from inl_desktop.services.opening import (
    Credentials,
    OpenedDatabase,
    Purpose,
    open_database_for,
    resolve_db_path,
)

EXIT_USAGE = 2
# Set (to anything) to have "first painted" printed when the window's first area is
# painted, the moment the clerk can start work; set to "quit" to also quit then.
# For bench/startup.py.
FIRST_PAINT_ENV_VAR = "INL_DESKTOP_FIRST_PAINT"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("INL")
    app.setApplicationName("INL Desktop")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def run_gui(db: str | None, signs_in: Credentials | None = None) -> int:
    """Run the app until its window closes; return the exit code. ``signs_in`` (from
    ``--user`` and ``$INL_DESKTOP_PASSWORD_FILE``) is tried before the sign-in dialog."""
    app = make_application()
    collector = GuiThreadCollector(app)
    path = resolve_db_path(db)
    questions = StartupQuestions(signs_in=signs_in)
    try:
        opened = open_database_for(path, Purpose(PROGRAM), questions, now=utc_now)
    except UserError as error:
        print(f"inl-desktop: {error}", file=sys.stderr)
        QMessageBox.critical(None, "INL Desktop cannot open the database", str(error))
        return EXIT_USAGE
    if opened is None:
        return 0
    try:
        ctx = opened.ctx
        if ctx.post_or_none() is None and (opened.read_only or not _set_up_post(ctx)):
            return 0
        window = build_window(opened, counts_later=True)
        for notice in opened.notices:
            window.statusBar().showMessage(notice, 30_000)
        window.first_painted.connect(lambda: _on_window_first_painted(window))
        window.watch_first_paint()
        window.show()
        return app.exec()
    finally:
        collector.stop()
        opened.close()


def build_window(
    opened: OpenedDatabase, prompts: Prompts | None = None, *, counts_later: bool = False
) -> MainWindow:
    """The window on an opened database, fitted to who signed in: what their role may
    not do greyed and, on an encrypted database, the idle lock and their menu items.
    ``counts_later``: the caller has the records counted once the window is painted."""
    window = MainWindow(
        opened.ctx,
        opened.path,
        read_only=opened.read_only,
        prompts=prompts,
        counts_later=counts_later,
    )
    encrypted = opened.signed_in is not None
    guard_window(window, opened.ctx, encrypted=encrypted, read_only=opened.read_only)
    return window


def _set_up_post(ctx: AppContext) -> bool:
    """The first start's question: which post is this? (False: the user gave up.)"""
    from inl_desktop.gui.common.post_setup import PostSetupDialog

    return PostSetupDialog(ctx).exec() == QDialog.DialogCode.Accepted


def _on_window_first_painted(window: MainWindow) -> None:
    # The record counts (a read of every table: decrypting it takes a while on a large
    # encrypted database) and housekeeping come once the paint is done, so that neither
    # delays the first sight.
    QTimer.singleShot(0, window.refresh)
    QTimer.singleShot(0, window.start_housekeeping)
    marker = os.environ.get(FIRST_PAINT_ENV_VAR)
    if marker:
        print("first painted", flush=True)
        if marker == "quit":
            QTimer.singleShot(0, window.close)
