# Golden compare (issue 4): reference tools in their own venvs, and the benchmark.
#   make nbval-venv      nbval (the reference verdicts for tests/compare/test_compare_nbval.py)
#   make nbdime-venv     nbdime (the `nbdiff` the benchmark times against)
#   make bench-compare   the full-size compare benchmark (2,000 cells, ~20 MB, 200 PNGs)
# CI: `make nbval-venv nbdime-venv` before `make test` (with NBGATE_REQUIRE_TOOLS=1 a missing
# venv fails the tests instead of skipping them).
NBVAL_VENV ?= .venvs/nbval
NBDIME_VENV ?= .venvs/nbdime
NBVAL_VERSION ?= 0.11.0
NBDIME_VERSION ?= 4.0.4

.PHONY: nbval-venv nbdime-venv bench-compare

$(NBVAL_VENV)/.installed: mk/compare.mk
	test -x $(NBVAL_VENV)/bin/python || $(PYTHON) -m venv $(NBVAL_VENV)
	$(NBVAL_VENV)/bin/pip install -q 'nbval==$(NBVAL_VERSION)' 'pytest>=8' 'ipykernel>=6'
	touch $@

nbval-venv: $(NBVAL_VENV)/.installed  ## nbval in .venvs/nbval (reference verdicts for the compare tests)

$(NBDIME_VENV)/.installed: mk/compare.mk
	test -x $(NBDIME_VENV)/bin/python || $(PYTHON) -m venv $(NBDIME_VENV)
	$(NBDIME_VENV)/bin/pip install -q 'nbdime==$(NBDIME_VERSION)'
	touch $@

nbdime-venv: $(NBDIME_VENV)/.installed  ## nbdime in .venvs/nbdime (the benchmark's nbdiff)

bench-compare: venv nbdime-venv  ## full-size golden-compare benchmark: nbgate vs nbdiff vs json.load vs nbformat
	$(PY) benchmarks/compare_bench.py

bench: bench-compare
ci-prepare: nbval-venv
