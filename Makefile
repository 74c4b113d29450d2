# Two commands do everything on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: run test lint screenshots bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# Bytecode for the app's own modules. pip compiles what it installs, but not an editable install, and where
# PYTHONDONTWRITEBYTECODE is set (this machine sets it) Python would compile every cpss_tui module from source
# on every start: measured +80 ms to time to interactive. compileall skips files whose .pyc is current.
BYTECODE := $(BIN)/python -m compileall -q cpss_tui migrations

run: $(STAMP)
	$(BYTECODE)
	$(BIN)/cpss-tui $(ARGS)

test: $(STAMP)
	$(BYTECODE)
	$(BIN)/ruff check cpss_tui tests migrations tools benchmarks
	$(BIN)/python -m pytest

screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check cpss_tui tests migrations tools benchmarks
	$(BIN)/mypy cpss_tui

# The figures of issue "Fast at agency scale" beside their targets; builds bench-cache/ once (BENCH_ARGS: see
# benchmarks/bench.py --help, e.g. BENCH_ARGS="--only tti --runs 9").
BENCH_ARGS ?=
bench: $(STAMP)
	$(BYTECODE)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
