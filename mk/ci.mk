# What CI prepares before `make test`: each area adds its prerequisites to ci-prepare.
.PHONY: ci-prepare generate bench
ci-prepare: venv

.PHONY: generate-schemas
generate-schemas: venv  ## regenerate docs/schema/*.json (the spec's and the report's JSON Schema)
	$(NBGATE) schema -o docs/schema/notebookvalidation.schema.json
	$(NBGATE) schema --report -o docs/schema/report.schema.json

generate: generate-schemas
