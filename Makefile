# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export GX_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: demo test soak lint format sample docs bench bench-full clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## run the nightly flow on the sample landing zone, print the leaderboard
	$(BIN)/virage run --landing examples/landing --warehouse sqlite:///warehouse.db --as-of 2026-11-20
	$(BIN)/virage scores --warehouse sqlite:///warehouse.db --top 5

test: $(STAMP)  ## lint, then the whole suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

soak: $(STAMP)  ## the heavier variants of the reliability suite (pytest -m soak)
	$(BIN)/python -m pytest -m soak -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

sample: $(STAMP)  ## regenerate examples/landing (deterministic)
	$(BIN)/python examples/generate_landing.py

docs: $(STAMP)  ## rewrite README's warehouse contract from schemas/, docs/bi.md's answers from the demo
	$(BIN)/python -m virage.schemas.contract
	$(BIN)/python -m virage.bi_examples

# Posts per generated landing; `make bench-full` adds 3,000,000.
BENCH_SIZES ?= 100000 1000000

bench: $(STAMP)  ## warehouse load speed, then nightly runs (cold, incremental) per size and dialect
	@createdb_url=postgresql://postgres@127.0.0.1/virage_bench; \
	if $(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		$(BIN)/python -c "import psycopg; c = psycopg.connect('postgresql://postgres@127.0.0.1/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS virage_bench'); c.execute('CREATE DATABASE virage_bench')"; \
		$(BIN)/python bench/load.py --postgres $$createdb_url; \
	else \
		echo "PostgreSQL not reachable on 127.0.0.1:5432: SQLite only"; \
		$(BIN)/python bench/load.py; \
	fi
	$(BIN)/python bench/nightly.py --sizes "$(BENCH_SIZES)" --load-json bench/results/load.json

bench-full: $(STAMP)  ## make bench with 3,000,000 posts too
	$(MAKE) bench BENCH_SIZES="100000 1000000 3000000"

clean:
	rm -rf $(VENV) warehouse.db warehouse.db-wal warehouse.db-shm .pytest_cache
