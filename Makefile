# Ruche: `make run` serves the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALES := community/locales
BABEL_CFG := $(LOCALES)/babel.cfg
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test lint messages compile-messages bench bench-reports bench-pages bench-pathways clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

compile-messages: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALES) -l fr

## Extract the strings to translate and merge them into the catalogues.
messages: $(STAMP)
	$(BIN)/pybabel extract -F $(BABEL_CFG) -k _ -k gettext -k ngettext:1,2 \
		--no-location --sort-output --omit-header -o $(LOCALES)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l fr \
		--width 100 --no-fuzzy-matching --ignore-obsolete

run: compile-messages
	$(BIN)/ruche migrate
	$(BIN)/ruche demo --if-empty
	$(BIN)/ruche serve

test: compile-messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

## The benchmarks (bench/README.md): quick mode, or `make bench FULL=1`. One line per benchmark,
## each printing its table; bench/results/live.json is shared: each merges its own keys in.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.realtime $(if $(FULL),--full) $(BENCH_ARGS)
	$(BIN)/python -m bench.live $(if $(FULL),--full)
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.reconnect

## Reports with 10,000 and 1,000,000 answers, and feedback throughput (a few minutes).
bench-reports: $(STAMP)
	$(BIN)/python -m bench.reports

## A learner's pages per second beside a bare Starlette endpoint, SQLite and PostgreSQL.
bench-pages: $(BENCH_STAMP)
	$(BIN)/python -m bench.pages

## The pathways: how well the skill of a typed need is suggested (cross-validated accuracy,
## time to suggest), and one learner's compass cards with 10,000 learners and 1,000 skills
## (BENCH_DATABASE_URL: PostgreSQL).
bench-pathways: $(STAMP)
	$(BIN)/python -m bench.pathways
	$(BIN)/python -m bench.pathways_cards
