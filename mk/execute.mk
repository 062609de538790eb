# The execute step. Its tests need nothing beyond `make venv` (ipykernel provides the
# python3 kernelspec they run on): `$(PY) -m pytest tests/execute`.
.PHONY: test-execute bench-execute

test-execute: venv  ## execute step tests (real kernels)
	$(PY) -m pytest tests/execute -q -p no:cacheprovider

bench-execute: venv  ## execute start-up: floor vs nbgate execute vs papermill CLI
	$(PY) benchmarks/execute_startup.py --rounds 7
