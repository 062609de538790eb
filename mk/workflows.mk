# Argo Workflows area: generated manifests under workflows/ and the tools their tests use.
.PHONY: generate-workflows argo-test-deps checkov test-argo

CHECKOV_VENV ?= .venvs/checkov

generate: generate-workflows

generate-workflows: venv  ## regenerate workflows/ (Argo templates, DAG, Cron, Events, RBAC) from nbgate.argo
	$(PY) -m nbgate.argo.generate workflows

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q 'checkov>=3.2,<4'

checkov: $(CHECKOV_VENV)/bin/checkov  ## checkov in its own venv (its pins clash with the dev env)

argo-test-deps: venv checkov  ## what tests/argo and tests/pod need beyond .venv: gjson-py, checkov
	$(PIP) install -q 'gjson>=1.0'

test-argo: argo-test-deps  ## the Argo/pod-profile tests, with every external tool required
	NBGATE_REQUIRE_TOOLS=1 $(PY) -m pytest tests/argo tests/pod -q
ci-prepare: argo-test-deps
