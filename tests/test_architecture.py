"""Layer rules of ARCHITECTURE.md: arrows point down, Qt only in gui/, openpyxl in exchange/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "inl_desktop"
LAYERS = ["domain", "exchange", "store", "services", "gui"]
# What each layer may import from the package (besides itself).
ALLOWED = {
    "domain": set(),
    "exchange": {"domain"},
    "store": {"domain"},
    "services": {"domain", "store", "exchange"},
    "gui": {"domain", "services", "exchange"},
}
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _all_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_qt_is_imported_only_under_gui(path: Path) -> None:
    if "gui" in path.relative_to(PACKAGE).parts:
        return
    qt = [name for name in _imports(path) if name.split(".")[0] in QT_MODULES]
    assert qt == [], f"{path.relative_to(PACKAGE)} imports Qt: {qt}"


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_import_only_the_layers_below(layer: str) -> None:
    offences = []
    for path in _modules(layer):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "inl_desktop" or len(parts) < 2 or parts[1] not in LAYERS:
                continue
            if parts[1] != layer and parts[1] not in ALLOWED[layer]:
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_spreadsheet_libraries_stay_in_exchange() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _all_modules()
        if "exchange" not in path.relative_to(PACKAGE).parts
        for name in _imports(path)
        if name.split(".")[0] in ("openpyxl", "python_calamine", "xlsxwriter", "xlrd")
    ]
    assert offences == []


def test_domain_is_plain_python() -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("domain")
        for name in _imports(path)
        if name.split(".")[0] in ("sqlalchemy", "alembic", "openpyxl", *QT_MODULES)
    ]
    assert offences == []


def test_the_rule_catches_a_qt_import(tmp_path: Path) -> None:
    """The checker itself sees both import forms."""
    module = tmp_path / "bad.py"
    module.write_text("import PySide6.QtCore\nfrom shiboken6 import isValid\n", encoding="utf-8")
    assert [n.split(".")[0] for n in _imports(module)] == ["PySide6", "shiboken6"]
