# SmartGov Platform. `make run` brings the platform up; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .smartgov/tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
PYTEST_ARGS ?=

.PHONY: run install test test-sqlite test-postgres lint fmt bench fuzz openapi api-diff clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

install: $(if $(shell command -v uv 2>/dev/null),,$(TOOLS)/bin/uv)
	$(UV) sync --frozen

run: install
	$(UV) run smartgov up

test: install test-sqlite test-postgres

test-sqlite:
	SMARTGOV_TEST_DB=sqlite $(UV) run pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (only the tests that use a database) when a server is named.
test-postgres:
	@if [ -n "$$SMARTGOV_TEST_POSTGRES_URL" ]; then \
		SMARTGOV_TEST_DB=postgres $(UV) run pytest -m "db" $(PYTEST_ARGS); \
	else echo "SMARTGOV_TEST_POSTGRES_URL not set: PostgreSQL pass skipped"; fi

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy libs/servicekit/src
	$(UV) run mypy gateway/src services/usecase-service/src services/catalog-service/src services/participation-service/src libs/smartgov-cli/src

fmt: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install
	$(UV) run python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf .smartgov/*.db* .smartgov/nats .smartgov/logs
