# The two commands of the quick start:
#   make run    create .venv with a Python >= 3.12 found on this machine, install copsim,
#               run the default scenario (results/runs/<time>/: summary and a figure)
#   make test   create .venv if needed, install copsim with its test extras, run lint,
#               the dictionary check and the tests (.ci/run calls this, then `make site`)
VENV ?= .venv
# The first Python >= 3.12 on PATH (a pyenv shim for a version not selected fails the check
# and is skipped).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	  command -v $$p >/dev/null 2>&1 && \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && \
	  { echo $$p; break; }; done)
BIN := $(VENV)/bin
# The tests run in parallel, one worker a core (pytest-xdist; at most 4, so that the sweeps
# some tests launch still get a core); PYTEST_ARGS= runs them in one process.
PYTEST_ARGS ?= -n auto --maxprocesses=4
# The Ray test needs Ray in a virtual environment of its own (minutes to install;
# docs/cluster.md says how to run it), so make test and CI leave it out.
PYTEST_MARKERS ?= not ray
LINTED := $(wildcard src tests benchmarks experiments)

.PHONY: run test lint docs site bench demo clean

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
	$(BIN)/pytest -m "$(PYTEST_MARKERS)" $(PYTEST_ARGS)

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

# The documentation site (mkdocs.yml) into site/: any warning (a broken link or anchor, an API
# reference that does not resolve) fails the build; then no page may load anything from the
# internet, and the API reference must be complete (tests/site_check.py). CI builds it too.
$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	@touch $@ $(VENV)/.installed

# NO_MKDOCS_2_WARNING: Material's end-of-life banner is advice, not a build warning.
site: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	$(BIN)/python tests/site_check.py site

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache site
