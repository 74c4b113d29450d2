"""The Textual user interface. Only this package imports Textual (tests/test_import_hygiene.py checks)."""
