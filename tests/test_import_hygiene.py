"""Layering: the rules import nothing of the database or the UI; only cpss_tui.ui imports Textual.

Checked in a fresh interpreter, so an import made by another test cannot hide a violation.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import cpss_tui

CORE_PACKAGES = ("cpss_tui.rules", "cpss_tui.data", "cpss_tui.services")


def _modules(prefix: str) -> list[str]:
    package = __import__(prefix, fromlist=["_"])
    return [prefix] + [f"{prefix}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def _imported_after(modules: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_core_never_imports_textual() -> None:
    modules = [m for p in CORE_PACKAGES for m in _modules(p)]
    loaded = _imported_after(modules)
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_rules_import_no_database_and_no_ui() -> None:
    loaded = _imported_after(_modules("cpss_tui.rules"))
    forbidden = ("sqlalchemy", "sqlmodel", "sqlite3", "textual", "alembic", "cpss_tui.data", "cpss_tui.ui")
    assert not {m for m in loaded if m.startswith(forbidden)}


def test_package_has_the_documented_layout() -> None:
    names = {m.name for m in pkgutil.iter_modules(cpss_tui.__path__)}
    assert {"rules", "data", "services", "ui", "cli", "locations"} <= names
