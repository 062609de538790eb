# What CI prepares before `make test`: each area adds its prerequisites to ci-prepare.
.PHONY: ci-prepare generate bench
ci-prepare: venv
