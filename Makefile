# Two commands do everything on a fresh machine with Python 3.11:
#   make figures   run the whole analysis on the default corpus
#   make test      run the test suite
# and two more for developers:
#   make test-fast the tests not marked slow
#   make docs      build the documentation site into site/ (mkdocs build --strict)
# Each creates .venv/ in the checkout (if missing) and installs the pinned stack into it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpora/nagorno-karabakh-2020
# extra pip arguments for torch, e.g. --index-url https://download.pytorch.org/whl/cpu
TORCH_PIP_ARGS ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install figures test test-fast docs lint clean-venv

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0 $(TORCH_PIP_ARGS)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,docs]'
	touch $(STAMP)

figures: $(STAMP)
	$(BIN)/stance run $(CORPUS)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the inner loop: every test not marked slow (slow: loads the transformer, runs UMAP, a notebook
# or a whole run, trains a model, or repeats a comparison on simulated corpora), in two processes
# (pytest-xdist) with one BLAS/OpenMP thread each; docs/development.md says what it covers
test-fast: $(STAMP)
	@echo "make test-fast: the tests not marked slow, 2 processes; make test runs them all"
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(BIN)/python -m pytest -q -m "not slow" -n 2

docs: $(STAMP)
	# runs the notebooks (inline figures: no MPLBACKEND from the caller's shell)
	env -u MPLBACKEND NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check stance tests benchmarks

clean-venv:
	rm -rf $(VENV)
