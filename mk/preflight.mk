# Pre-flight, clean environments, budgets, fingerprints, GPU check (issue 11).
#   make test-preflight   the area's tests (real kernels, real venvs built by real pip)
# CI needs nothing extra: the clean-environment tests run `pip download ipykernel` once per
# session (the configured package index must be reachable) and then build venvs offline
# (--no-index --find-links) into pytest's tmp dirs; they never touch ~/.cache/nbgate.
.PHONY: test-preflight

test-preflight: venv  ## pre-flight / clean-env / budgets / fingerprint / gpu tests
	$(PY) -m pytest tests/preflight -q -p no:cacheprovider
