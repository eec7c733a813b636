# The README's one-liners. Every target sets up what it needs first.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
LINT_PATHS := $(wildcard src tests bench)

.PHONY: install run serve demo test test-fast lint format bench clean eval-moderation soak

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $$(scripts/find-python.sh) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	DEBUG=$${DEBUG:-1} $(BIN)/masthead demo

run: demo
	DEBUG=$${DEBUG:-1} $(BIN)/masthead collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(BIN)/uvicorn masthead.asgi:application --host $(HOST) --port $(PORT) --workers $${WORKERS:-1}

test: install
	scripts/ensure-chromium.sh
	$(BIN)/pytest -n $${TEST_WORKERS:-auto} --dist loadfile $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/masthead check --fail-level WARNING
	$(BIN)/masthead makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Precision/recall of the moderation pipeline's hold decision on the labelled sets
# (tests/moderation/data/README.md; figures in docs/moderation.md).
eval-moderation: install
	$(BIN)/masthead eval_moderation tests/moderation/data/eval.jsonl
	$(BIN)/masthead eval_moderation tests/moderation/data/heldout.jsonl

# Benchmarks, results recorded in docs/benchmarks.md and bench/results/latest.json.
# bench/run_all.py runs them all in under 15 minutes: the moderation pipeline; Masthead side
# by side with Isso (its own virtualenv under bench/peers/, never committed) and nginx; the
# live fan-out to 2,000 SSE readers; the community's fan-out and following feed.
bench: install
	bench/setup_peers.sh
	$(BIN)/python bench/run_all.py --write

# The community at scale (PostgreSQL on 127.0.0.1; each script makes and drops a database
# of its own, in under ~5 minutes): the following feed in a million comments, and a
# comment by a reader with 50,000 followers (docs/benchmarks.md, "Community").
.PHONY: bench-community
bench-community: install
	$(BIN)/python bench/community_feed.py
	$(BIN)/python bench/community_fanout.py

# Reliability under load (docs/reliability.md): SOAK_SECONDS (600) of mixed traffic against
# uvicorn with its own PostgreSQL and Redis; error rate, p99 per route and memory are written
# to docs/reliability.md. Then the slower passes of the reliability suite: every BLNS string
# over HTTP, schemathesis with 100 examples per operation, and the fault tests.
soak: install
	$(BIN)/python bench/soak.py --seconds $${SOAK_SECONDS:-600} --write
	RELIABILITY_FULL=1 SCHEMATHESIS=1 SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-100} RELIABILITY_FAULTS=1 \
		$(BIN)/pytest tests/reliability -p no:cacheprovider $(PYTEST_ARGS)
