# HexaBuilders — two commands: `make up` runs the platform, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml shared/requirements.txt | cksum | cut -d' ' -f1)

.PHONY: install tools lock package up test test-unit lint format bench clean

$(STAMP): pyproject.toml shared/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip>=23,<26.3"  # chalice 1.34 pins pip<26.3
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The packaging tools live in their own venv: aws-sam-cli pins a boto3 older than the dev venv's
TOOLS      := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed-$(shell cksum < infra/lambda_build/tools.txt | cut -d' ' -f1)
SAM        := AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0 $(TOOLS)/bin/sam

$(TOOLS_STAMP): infra/lambda_build/tools.txt
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r infra/lambda_build/tools.txt
	@rm -f $(TOOLS)/.installed-* && touch $@

tools: $(TOOLS_STAMP)

## lock: re-pin what the Lambda artifacts ship (requirements.txt -> hash-locked requirements.lock, layer and
##       functions) after changing a requirements.txt; `make package` builds from the locks only
lock: tools
	infra/lambda_build/lock.sh $(TOOLS)/bin/uv

## package: `sam build` (no container: arm64 wheels for python3.13 from the locks, precompiled when a
##          Python 3.13 is here) + `sam validate --lint`, then `hexa package verify`: the artifacts checked
##          and every handler imported in a clean process on Python 3.13 and 3.11 with only the runtime's boto3
package: install tools
	$(SAM) build --template template.yaml --parallel
	$(SAM) validate --lint --template template.yaml
	$(BIN)/hexa package verify --build-dir .aws-sam/build

## up: embedded emulator + every template resource + all routes on :3000 + event sources + demo data
##     SEARCH=opensearch uses a real OpenSearch (infra/opensearch/start.sh) instead of the embedded engine
##     LEGACY=1: blue/green - the project's PostgreSQL, a seeded monolith database (once), migrate load,
##     then the monolith (blue) on :5000 and the facade on :8080 next to green on :3000
up: install
ifeq ($(LEGACY),1)
	@pg=$$(infra/postgres/start.sh) && eval "$$pg" && \
	 ($(BIN)/hexa legacy seed --legacy-dsn "$$LEGACY_DATABASE_URL" --partners 200 --dirty 2>/dev/null || true) && \
	 $(BIN)/hexa up --legacy-dsn "$$LEGACY_DATABASE_URL" $(ARGS)
else ifeq ($(SEARCH),opensearch)
	@os=$$(infra/opensearch/start.sh) && eval "$$os" && $(BIN)/hexa up --search-endpoint "$$OPENSEARCH_URL" $(ARGS)
else
	$(BIN)/hexa up $(ARGS)
endif

## test: unit, template, runtime, contract (both search engines), integration, end-to-end and migration
##       suites, against real servers on loopback; starts (or reuses) a real OpenSearch and the legacy
##       PostgreSQL and Debian's chromium (+ chromedriver) first
test: install
	@os=$$(infra/opensearch/start.sh) && eval "$$os" && export OPENSEARCH_URL && \
	 pg=$$(infra/postgres/start.sh) && eval "$$pg" && export LEGACY_DATABASE_URL && \
	 br=$$(infra/browser/ensure.sh) && eval "$$br" && export CHROMIUM CHROMEDRIVER && \
	 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

## lint: cfn-lint on the template; ruff's layout (format --check), pyflakes and the 110-column limit on all
##       the Python; strict mypy on each context's domain/ and application/ (pyproject.toml's [tool.ruff]
##       and [tool.mypy])
PY_TREES := functions shared infra tests benchmarks
CONTEXT_CORES := $(foreach c,partner_management onboarding campaign_management recruitment,-p $(c).domain -p $(c).application)
lint: install
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff format --check $(PY_TREES)
	$(BIN)/ruff check $(PY_TREES)
	$(BIN)/mypy $(CONTEXT_CORES)

## format: apply ruff's layout to all the Python (what `make lint` checks)
format: install
	$(BIN)/ruff format $(PY_TREES)

## bench: latency numbers next to the emulator's own floor (not a test; prints a report)
##        ARGS go to the foundation/campaign scripts, SEARCH_ARGS (e.g. --docs 20000) to the search one,
##        BG_ARGS (e.g. --writes 500 --rollbacks 5) to the blue/green one
bench: install
	$(BIN)/python benchmarks/bench_foundation.py $(ARGS)
	$(BIN)/python benchmarks/bench_campaigns.py $(ARGS)
	$(BIN)/python benchmarks/bench_profile.py $(ARGS)
	$(BIN)/python benchmarks/bench_cold_import.py
	@os=$$(infra/opensearch/start.sh) && eval "$$os" && $(BIN)/python benchmarks/bench_search.py --opensearch "$$OPENSEARCH_URL" $(SEARCH_ARGS)
	@pg=$$(infra/postgres/start.sh) && eval "$$pg" && export LEGACY_DATABASE_URL && $(BIN)/python benchmarks/bench_coexistence.py $(BG_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .hexa .aws-sam
