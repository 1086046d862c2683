# SmartGov Platform. `make run` brings the platform up; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .smartgov/tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
PYTEST_ARGS ?=

.PHONY: run install test test-sqlite test-postgres lint fmt bench fuzz openapi api-diff deploy-check clean
CLIENT := clients/typescript

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

install: $(if $(shell command -v uv 2>/dev/null),,$(TOOLS)/bin/uv)
	$(UV) sync --frozen

run: install
	$(UV) run smartgov up

# The SQLite and PostgreSQL passes run side by side (their tests mostly wait on processes and
# sockets, not on CPU); each pass's output is printed whole when it ends.
test: install $(CLIENT)/node_modules
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# Contract tooling (OpenAPI lint, TypeScript types, breaking-change guard) from the npm registry.
$(CLIENT)/node_modules: $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --silent --no-audit --no-fund
	touch $@

test-sqlite:
	SMARTGOV_TEST_DB=sqlite $(UV) run pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (only the tests that use a database) when a server is named.
test-postgres:
	@if [ -n "$$SMARTGOV_TEST_POSTGRES_URL" ]; then \
		SMARTGOV_TEST_DB=postgres $(UV) run pytest -m "db" $(PYTEST_ARGS); \
	else echo "SMARTGOV_TEST_POSTGRES_URL not set: PostgreSQL pass skipped"; fi

lint: install $(CLIENT)/node_modules
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy libs/servicekit/src
	$(UV) run mypy gateway/src services/usecase-service/src services/catalog-service/src services/participation-service/src libs/smartgov-cli/src
	cd $(CLIENT) && npx --no-install redocly lint --config ../../redocly.yaml ../../openapi/*.json ../../docs/asyncapi.yaml
	cd $(CLIENT) && npx --no-install tsc --noEmit -p .

# Regenerate the committed API contract (openapi/*.json and the TypeScript types).
openapi: install $(CLIENT)/node_modules
	$(UV) run smartgov openapi
	cd $(CLIENT) && npx --no-install openapi-typescript ../../openapi/merged.json -o src/schema.d.ts

# Breaking changes between the committed specs at BASE (default main) and now.
api-diff: $(CLIENT)/node_modules
	node scripts/api_diff.mjs $(or $(BASE),main)

# Render, validate and policy-check the Kubernetes manifests and images' contents (offline).
deploy-check: install
	$(UV) run pytest tests/deploy -q

fmt: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install
	$(UV) run python -m bench $(if $(QUICK),--quick,)

# Long fuzzing profile: schemathesis through the gateway, 100 examples per operation.
fuzz: install
	SMARTGOV_FUZZ_EXAMPLES=100 $(UV) run pytest tests/e2e/test_fuzz.py -q -p no:cacheprovider
	@if [ -n "$$SMARTGOV_TEST_POSTGRES_URL" ]; then \
		SMARTGOV_TEST_DB=postgres SMARTGOV_FUZZ_EXAMPLES=100 $(UV) run pytest tests/e2e/test_fuzz.py -q -p no:cacheprovider; fi

clean:
	rm -rf .smartgov/*.db* .smartgov/nats .smartgov/logs
