"""The admin's Users dialog: who may sign in and as what, their passwords, and how long
the window waits before it locks itself."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inl_desktop.domain.roles import Role
from inl_desktop.gui.common.prompts import Prompts
from inl_desktop.gui.safety.passwords import (
    CapsLockWarning,
    NewPasswordFields,
    error_label,
    show_problem,
)
from inl_desktop.services.context import AppContext
from inl_desktop.services.users import (
    Credentials,
    UserProblem,
    UserRow,
    add_user,
    disable_user,
    idle_lock_minutes,
    list_users,
    reset_password,
    set_idle_lock_minutes,
)

COLUMNS = ("Name", "Role", "Added", "State")
ROLE_WORDS = {
    Role.VIEWER: "Viewer — reads, writes the export for HQ",
    Role.CLERK: "Clerk — enters drafts, imports, exports, backs up",
    Role.REVIEWER: "Reviewer — also marks records final, decides conflicts",
    Role.ADMIN: "Admin — also users, set-up, reference lists, restore",
}


class UsersDialog(QDialog):
    """The users of the database with Add, Disable and Reset password, and the idle
    minutes before the window locks."""

    idle_minutes_changed = Signal(int)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._prompts = prompts
        self._rows: list[UserRow] = []
        self.setWindowTitle("Users — INL Desktop")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Users")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add…", self)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.disable_button = QPushButton("&Disable", self)
        self.disable_button.clicked.connect(self._on_disable_button_clicked)
        self.reset_button = QPushButton("&Reset password…", self)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.idle_spin = QSpinBox(self)
        self.idle_spin.setAccessibleName("Idle minutes before locking")
        self.idle_spin.setRange(0, 480)
        self.idle_spin.setSuffix(" min")
        self.idle_spin.setSpecialValueText("never")
        self.idle_spin.setValue(idle_lock_minutes(ctx))
        self.idle_spin.editingFinished.connect(self._on_idle_spin_editing_finished)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self._on_close_rejected)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        idle = QFormLayout()
        idle.addRow("&Lock the window after no input for:", self.idle_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addLayout(idle)
        layout.addWidget(close)
        self.resize(640, 360)
        self.reload()

    def reload(self) -> None:
        """Read the users again."""
        self._rows = list_users(self._ctx)
        self.table.setRowCount(len(self._rows))
        for row, user in enumerate(self._rows):
            cells = (
                user.name,
                user.role.value,
                f"{user.created_at.astimezone():%Y-%m-%d}",
                "disabled" if user.disabled else "active",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._on_table_item_selection_changed()

    def names(self) -> list[str]:
        """The names listed, in order."""
        return [row.name for row in self._rows]

    def select(self, name: str) -> None:
        """Select the user ``name``."""
        self.table.selectRow(self.names().index(name))

    def _chosen(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _on_table_item_selection_changed(self) -> None:
        chosen = self._chosen()
        active = chosen is not None and not chosen.disabled
        self.disable_button.setEnabled(active)
        self.reset_button.setEnabled(active)

    def _on_add_button_clicked(self) -> None:
        dialog = AddUserDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.user_added.connect(self._on_add_dialog_user_added)
        dialog.open()

    def _on_add_dialog_user_added(self, name: str) -> None:
        self.reload()
        self.select(name)

    def _on_disable_button_clicked(self) -> None:
        chosen = self._chosen()
        if chosen is None or not self._prompts.confirm(
            self,
            "Disable a user",
            f"Disable {chosen.name}? Their password will no longer open the database; "
            "what they recorded stays.",
        ):
            return
        try:
            disable_user(self._ctx, chosen.name)
        except UserProblem as error:
            self._prompts.warn(self, "The user was not disabled", str(error))
        self.reload()

    def _on_reset_button_clicked(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        dialog = ResetPasswordDialog(self._ctx, chosen.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.password_reset.connect(self._on_reset_dialog_password_reset)
        dialog.open()

    def _on_reset_dialog_password_reset(self, name: str) -> None:
        self._prompts.inform(self, "Password reset", f"{name} signs in with the new password now.")

    def _on_idle_spin_editing_finished(self) -> None:
        minutes = self.idle_spin.value()
        if minutes == idle_lock_minutes(self._ctx):
            return
        try:
            set_idle_lock_minutes(self._ctx, minutes)
        except UserProblem as error:
            self._prompts.warn(self, "The idle time was not changed", str(error))
            return
        self.idle_minutes_changed.emit(minutes)

    def _on_close_rejected(self) -> None:
        # A value typed but not yet left counts as set when the dialog closes.
        self._on_idle_spin_editing_finished()
        self.reject()


class AddUserDialog(QDialog):
    """A new user: name, role and first password."""

    user_added = Signal(str)  # the name as stored

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("Add a user — INL Desktop")
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Name")
        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName("Role")
        for role in Role:
            self.role_combo.addItem(ROLE_WORDS[role], role.value)
        self.role_combo.setCurrentIndex(list(Role).index(Role.CLERK))
        self.caps_warning = CapsLockWarning(self)
        self.problem_label = error_label(self)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("R&ole:", self.role_combo)
        self.passwords = NewPasswordFields(self, form, self.caps_warning)
        _finish(self, form, self.caps_warning, self.problem_label, self._on_buttons_accepted)

    def choose_role(self, role: Role) -> None:
        """Pick ``role`` in the list."""
        self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))

    def _on_buttons_accepted(self) -> None:
        problem = None if self.name_edit.text().strip() else "Name: type the user's name."
        problem = problem or self.passwords.problem()
        added = None
        if problem is None:
            credentials = Credentials(self.name_edit.text(), self.passwords.password())
            try:
                role = Role(self.role_combo.currentData())
                added = add_user(self._ctx, credentials, role)
            except UserProblem as error:
                problem = str(error)
        show_problem(self.problem_label, problem)
        if added is not None:
            self.accept()
            self.user_added.emit(added.name)


class ResetPasswordDialog(QDialog):
    """A new password for a user who forgot theirs."""

    password_reset = Signal(str)  # the user's name

    def __init__(self, ctx: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._name = name
        self.setWindowTitle(f"New password for {name} — INL Desktop")
        self.caps_warning = CapsLockWarning(self)
        self.problem_label = error_label(self)
        form = QFormLayout()
        form.addRow(QLabel(f"Give {name} a new password, and tell them in person.", self))
        self.passwords = NewPasswordFields(self, form, self.caps_warning)
        _finish(self, form, self.caps_warning, self.problem_label, self._on_buttons_accepted)

    def _on_buttons_accepted(self) -> None:
        problem = self.passwords.problem()
        if problem is None:
            try:
                reset_password(self._ctx, self._name, self.passwords.password())
            except UserProblem as error:
                problem = str(error)
        show_problem(self.problem_label, problem)
        if problem is None:
            self.accept()
            self.password_reset.emit(self._name)


def _finish(
    dialog: QDialog,
    form: QFormLayout,
    caps: CapsLockWarning,
    problem: QLabel,
    on_accepted: Callable[[], None],
) -> None:
    """Lay out a small password dialog: its form, the warnings, OK and Cancel."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(on_accepted)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(caps)
    layout.addWidget(problem)
    layout.addWidget(buttons)
