# The two commands: `make run` and `make test`. Both set everything up on a fresh clone.
# PORT and DATABASE_URL are honoured; TEST_DATABASE_URL runs the suite on PostgreSQL.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app tracker
PORT   ?= 5000
SEED   := seed/kazakhstan-2015.toml

.PHONY: run test setup migrate seed lint typecheck clean

run: migrate seed
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/pytest

setup: $(VENV)/.installed

# Reinstalled whenever pyproject.toml changes; the stamp file marks a finished install.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tracker needs Python 3.11 or newer; set PYTHON=python3.11")'
	# A half-made venv (interrupted creation, no pip) is made again rather than trusted.
	$(BIN)/python -m pip --version >/dev/null 2>&1 || (rm -rf $(VENV) && $(PYTHON) -m venv $(VENV))
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) missions load $(SEED)

lint: $(VENV)/.installed
	$(BIN)/ruff check tracker tests benchmarks
	$(BIN)/ruff format --check tracker tests benchmarks

typecheck: $(VENV)/.installed
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
