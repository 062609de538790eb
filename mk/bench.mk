# Benchmarks: peers in their own minimal venvs, as their users install them.
.PHONY: bench-venvs bench-validate
BENCH_VENVS := .venvs/bench-papermill .venvs/bench-nbval .venvs/bench-nbmake

.venvs/bench-papermill/.ok:
	$(PYTHON) -m venv .venvs/bench-papermill && .venvs/bench-papermill/bin/pip install -q papermill ipykernel && touch $@
.venvs/bench-nbval/.ok:
	$(PYTHON) -m venv .venvs/bench-nbval && .venvs/bench-nbval/bin/pip install -q pytest nbval ipykernel && touch $@
.venvs/bench-nbmake/.ok:
	$(PYTHON) -m venv .venvs/bench-nbmake && .venvs/bench-nbmake/bin/pip install -q pytest nbmake pytest-xdist ipykernel && touch $@

bench-venvs: $(addsuffix /.ok,$(BENCH_VENVS))  ## peer tools for the benchmarks, each in its own venv

bench-validate: venv bench-venvs  ## nbgate vs papermill, nbval, nbmake and the jupyter_client floor
	$(PY) benchmarks/validate_bench.py

bench: bench-validate
