# Report area (issue 9): the tools the report tests drive. CI: `make ci-prepare` (which depends
# on report-tools) before `make test`; set NBGATE_REQUIRE_TOOLS=1 so a missing tool FAILS the
# browser/Pushgateway/promtool tests instead of skipping them.
#   chromium + chromium-driver  headless browser for the HTML report tests (Playwright drives
#                               /usr/bin/chromium; no browser download)
#   prometheus                  promtool, to check monitoring/prometheus-rule.yaml
#   prometheus-pushgateway      a real Pushgateway for the metrics push test
#   playwright (PyPI)           the Python client only
REPORT_DEBS := chromium chromium-driver prometheus prometheus-pushgateway
SUDO := $(shell [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: report-tools report-debs report-python test-report

report-tools: report-debs report-python  ## install what the report tests need (Debian chromium, promtool, pushgateway; playwright client)

report-debs:
	@missing=""; for p in $(REPORT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  $(APT_GET) update -q && $(APT_GET) install -y -q --no-install-recommends $$missing; \
	else echo "[report-tools] Debian packages present"; fi
	@# The Debian package starts services where systemd runs; the tests start their own on free ports.
	@command -v promtool >/dev/null && command -v prometheus-pushgateway >/dev/null && test -x /usr/bin/chromium

report-python: venv
	$(PIP) install -q playwright
	@# No `playwright install`: the tests launch the Debian chromium (executable_path=/usr/bin/chromium).

test-report: venv  ## the report tests, tools required
	NBGATE_REQUIRE_TOOLS=1 $(PY) -m pytest tests/report -q -p no:cacheprovider

ci-prepare: report-tools
