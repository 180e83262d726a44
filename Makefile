# Two commands for a fresh machine: `make demo` and `make test`. Both set themselves up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench setup clean

$(STAMP): pyproject.toml adapters/slack/pyproject.toml adapters/teams/pyproject.toml adapters/email/pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' -e adapters/slack -e adapters/teams -e adapters/email
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/supportbot demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	MYPYPATH=adapters/slack $(BIN)/mypy --strict adapters/slack/supportbot_slack
	MYPYPATH=adapters/teams $(BIN)/mypy --strict adapters/teams/supportbot_teams
	MYPYPATH=adapters/email $(BIN)/mypy --strict adapters/email/supportbot_email
	MYPYPATH=examples/supportbot-tracker:examples/supportbot-tracker/tests $(BIN)/mypy --strict \
	  examples/supportbot-tracker/supportbot_tracker examples/supportbot-tracker/tests

test: lint
	$(BIN)/python -m tests.browser_setup
	$(BIN)/pytest -n 2 --dist worksteal

bench: $(STAMP)
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.report --sizes 100000 1000000
	$(BIN)/python -m bench.pipeline

clean:
	rm -rf $(VENV)
