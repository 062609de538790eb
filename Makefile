# nbgate — the two commands a new user runs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
NBGATE := $(VENV)/bin/nbgate
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv demo test lint typecheck check bench generate clean

help:  ## list targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed  ## create .venv with nbgate and its dev dependencies

demo: venv  ## run the example validation locally (no cluster)
	$(NBGATE) run examples/churn/validation.yaml -o out/demo

test: venv  ## run the test suite (image builds run in their own target: make test-images)
	$(PY) -m pytest -n 2 -q -m "not images"

lint: venv  ## ruff
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: venv  ## mypy (strict) on the package
	$(VENV)/bin/mypy

check: lint typecheck test  ## everything CI checks

clean:  ## remove build outputs
	rm -rf out build dist .pytest_cache .mypy_cache .ruff_cache

# Each area (images, workflows, components, servers, benchmarks…) adds its targets here.
-include mk/*.mk
