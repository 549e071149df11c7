# The two commands: `make demo` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PORT ?= 8000
SCALE ?= county
SEED ?= 1
export UV_PYTHON_DOWNLOADS ?= never
# uv cannot download interpreters here: use an installed Python 3.12+ (pyenv's, found by a glob).
export UV_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3 $(HOME)/.pyenv/versions/3.13*/bin/python3) $(shell command -v python3.12 python3.13 2>/dev/null))
MACE := uv run --frozen mace

.PHONY: demo test install migrate seed lint check bench

install:
	uv sync --frozen
	npm ci --no-audit --no-fund

migrate: install
	$(MACE) migrate --noinput
	$(MACE) createcachetable

seed: migrate
	$(MACE) seed_demo --scale $(SCALE) --seed $(SEED)

demo: seed
	@MACE_DEMO=1 $(MACE) demo_accounts
	@echo "Starting the platform at http://127.0.0.1:$(PORT), the task worker and the hourly sweeps. Ctrl-C stops them."
	@# Synthetic data only: demo accounts sign in without a second factor, and every page says so.
	@# DEBUG stays off (MACE_DEBUG=0): errors show the service's own pages, never Django's debug
	@# pages; WhiteNoise serves the static files from their finders (WHITENOISE_USE_FINDERS), and
	@# session cookies work over http because MACE_DEMO is set (mace/settings.py).
	@trap 'kill 0' EXIT INT TERM; \
	  MACE_DEMO=1 $(MACE) db_worker & \
	  MACE_DEMO=1 $(MACE) periodic --every 3600 > /dev/null & \
	  MACE_DEMO=1 MACE_DEMO_SKIP_TWO_FACTOR=1 MACE_DEBUG=0 $(MACE) runserver --noreload 127.0.0.1:$(PORT)

# One test worker per core (pytest-xdist): each has its own test database.
test: install
	uv run --frozen pytest -n auto

lint:
	uv run --frozen ruff check mace tests benchmarks
	uv run --frozen ruff format --check mace tests benchmarks
	uv run --frozen mypy mace

# Benchmarks (see benchmarks/ and docs/performance.md): on the synthetic data set of SCALE in a
# database of their own, or on the one DATABASE_URL names (loaded with seed_demo beforehand).
bench: install
	uv run --frozen python -m benchmarks.mace_list --scale $(SCALE)
	uv run --frozen python -m benchmarks.pages --scale $(SCALE)
