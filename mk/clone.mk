# Clone step (issue 3): the system tools its tests need.
#   make clone-test-deps   git (with `git daemon`, `git http-backend`) and git-lfs, via apt-get
#   make test-clone        the clone tests alone
# CI: `make clone-test-deps` before `make test` (it is a prerequisite of ci-prepare). With
# NBGATE_REQUIRE_TOOLS=1 a missing git-lfs fails the LFS tests instead of skipping them.
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: clone-test-deps test-clone

clone-test-deps:  ## git, git daemon and git-lfs for the clone tests (apt-get)
	@if git --version >/dev/null 2>&1 && git lfs version >/dev/null 2>&1 \
	    && test -x "$$(git --exec-path)/git-daemon"; then echo "[clone] git and git-lfs present"; \
	else $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq git git-lfs; fi

test-clone: venv clone-test-deps  ## run the clone step's tests
	$(PY) -m pytest tests/clone -q -p no:cacheprovider

ci-prepare: clone-test-deps
