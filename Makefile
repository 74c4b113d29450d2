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

run: $(STAMP)
	$(BIN)/cpss-tui $(ARGS)

test: $(STAMP)
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
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
