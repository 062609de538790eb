# Kubeflow Pipelines (issue 7): the compiled components and pipeline committed under components/.
#   make generate-components   recompile components/<step>/component.yaml, their READMEs and
#                              components/nbgate_validation_pipeline.yaml
# tests/kfp/test_kfp_components.py fails when components/ is stale (NBGATE_UPDATE_GOLDEN=1
# rewrites it). NBGATE_REGISTRY / NBGATE_IMAGE_TAG choose the images (committed: the defaults).
.PHONY: generate-components

generate-components: venv  ## recompile the KFP components and pipeline into components/
	env -u NBGATE_REGISTRY -u NBGATE_IMAGE_TAG $(PY) -m nbgate.kfp.compile components

generate: generate-components
