# The two commands of the quick start:
#   make run    create .venv with a Python >= 3.12 found on this machine, install copsim,
#               run the default scenario (results/runs/<time>/: summary and a figure)
#   make test   create .venv if needed, install copsim with its test extras, run lint,
#               the dictionary check and the tests (.ci/run calls exactly this)
VENV ?= .venv
# The first Python >= 3.12 on PATH (a pyenv shim for a version not selected fails the check
# and is skipped).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	  command -v $$p >/dev/null 2>&1 && \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && \
	  { echo $$p; break; }; done)
BIN := $(VENV)/bin
PYTEST_ARGS ?=
LINTED := $(wildcard src tests benchmarks experiments)

.PHONY: run test lint docs bench demo clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "copsim needs Python 3.12 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/copsim run

test: $(VENV)/.installed-test
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/copsim docs --check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

docs: $(VENV)/.installed
	$(BIN)/copsim docs

# The trainer demo in your browser (docs/trainer-guide.md). Installing the `viz` extra needs
# the internet once; after that `make demo` works offline.
$(VENV)/.installed-viz: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[viz]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed-viz
	$(BIN)/copsim demo

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
