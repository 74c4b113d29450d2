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


def test_the_tui_entry_loads_no_database_library_before_the_app_runs(tmp_path) -> None:
    """Issue 8: `cpss-tui` (cli.run -> _cmd_tui) hands over to the app before SQLAlchemy, SQLModel or pendulum
    is imported (the app opens the database in a worker after its first frame). Once, catching DatabaseError
    in _cmd_tui imported all of SQLAlchemy on the main thread first: ~0.4 s the benchmark did not see."""
    code = (
        "import sys\n"
        "from cpss_tui.ui import app as ui_app\n"
        "def run(self, *args, **kwargs):\n"
        "    heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'alembic', 'pendulum')\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
        "ui_app.CpssApp.run = run\n"
        "from cpss_tui import cli\n"
        f"cli.run(['--db', {str(tmp_path / 'none.db')!r}, '--as-of', '2026-11-22'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
