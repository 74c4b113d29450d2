# Two commands do everything on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: run test lint screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cpss-tui $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check cpss_tui tests migrations
	$(BIN)/python -m pytest

screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check cpss_tui tests migrations
	$(BIN)/mypy cpss_tui

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
