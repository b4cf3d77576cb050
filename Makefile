# Lipei — one machine: `make run` starts everything, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
# The services and their shared libs, then the development and test tools no service image installs.
SERVICE_PACKAGES := libs gateway intake-service ocr-service tracking-service notify-service \
	butler-service assessment-service console
TOOL_PACKAGES := tools/lipei-dev tools/lipei-testing tools/ocr-synth
PACKAGES := $(SERVICE_PACKAGES) $(TOOL_PACKAGES)
STAMP := $(VENV)/.installed

.PHONY: install run test lint fmt bench load chaos fuzz lock asyncapi clean

install: $(STAMP)

# uv itself comes from PyPI when missing; every other package is pinned with hashes.
$(STAMP): requirements.lock $(addsuffix /pyproject.toml,$(PACKAGES))
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation \
		$(addprefix -e ./,$(PACKAGES))
	@touch $@

run: install
	$(BIN)/python scripts/run.py

# System tools some tests need (promtool) come from Debian's packages: scripts/ensure-tools.sh.
test: install
	bash scripts/ensure-tools.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(addsuffix /src,$(PACKAGES))

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	bash scripts/ensure-tools.sh
	$(BIN)/python bench/run.py

# The whole platform under rising load until the knee, then a disaster alert to a region
# (sizes: LOAD_* variables, see bench/load/run.py; ports LIPEI_PORT_BASE, LIPEI_BROKER_PORT).
load: install
	$(BIN)/python bench/load/run.py

# Faults injected into real processes, a real broker, SQLite and PostgreSQL (127.0.0.1:5432):
# one row per scenario. `make chaos CHAOS_ARGS="--only 1,2 --claims 200"` runs fewer, smaller.
chaos: install
	$(BIN)/python -m lipei_testing.chaos $(CHAOS_ARGS)

# schemathesis over the gateway's merged OpenAPI document, deeper than the pass in `make test`.
fuzz: install
	LIPEI_FUZZ_EXAMPLES=$${LIPEI_FUZZ_EXAMPLES:-200} $(BIN)/python -m pytest tests/test_gateway_fuzz.py $(PYTEST_ARGS)

# Regenerate docs/asyncapi.yaml after changing lipei.events (the tests check it is current).
asyncapi: install
	$(BIN)/lipei-asyncapi --output docs/asyncapi.yaml

lock:
	$(UV) pip compile --generate-hashes --python-version 3.11 --no-header --quiet \
		requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
