# Two entry points: `make run` (the terminal conversation) and `make test` (everything CI runs:
# ruff, the import contracts, vulture, deptry, mypy strict, pytest).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sourcewise chat

lint: $(STAMP)
	$(BIN)/ruff check costengine bot tests bench
	$(BIN)/ruff format --check costengine bot tests bench
	$(BIN)/lint-imports
	$(BIN)/vulture bot vulture_allowlist.py --min-confidence 60
	$(BIN)/deptry .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
