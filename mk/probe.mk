# Probe step (issue 5): tests against real model servers and the latency benchmark.
.PHONY: test-probe bench-probe probe-bench-deps

test-probe: venv servers  ## probe tests against every real model server (servers required)
	NBGATE_REQUIRE_SERVERS=1 $(PY) -m pytest tests/probe -q -p no:cacheprovider

probe-bench-deps:  ## wrk, the load tool the probe benchmark compares with (Debian package)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

bench-probe: venv probe-bench-deps  ## probe latency mode vs wrk on the same local endpoints (req/s ratio)
	$(PY) benchmarks/probe_bench.py --server stdlib
	@if [ -f .venvs/mlserver/.installed ]; then $(PY) benchmarks/probe_bench.py --server mlserver; \
	else echo "bench-probe: .venvs/mlserver missing (make server-mlserver): MLServer round skipped"; fi

bench: bench-probe

# CI builds the model-server venvs before `make test` (with NBGATE_REQUIRE_SERVERS=1 a missing
# server fails its tests instead of skipping them).
ci-prepare: servers
