# The two commands: `make run` and `make test`. Both set everything up on a fresh clone.
# PORT and DATABASE_URL are honoured; TEST_DATABASE_URL runs the suite on PostgreSQL.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app tracker
PORT   ?= 5000
SEED   := seed/kazakhstan-2015.toml

.PHONY: run test setup migrate seed lint typecheck imports bandit audit check clean translations translations-update load faults bench bench-pg bench-form

# Plain http on 127.0.0.1: cookies without the Secure flag, or the browser would not send
# them back (elsewhere they are Secure unless set otherwise; see the README's Security).
run: migrate seed translations
	SESSION_COOKIE_SECURE=false REMEMBER_COOKIE_SECURE=false \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite on every core (pytest-xdist), each worker on a database of its own (see
# tests/conftest.py); TEST_WORKERS=0 runs it in one process, as a bare `pytest` does.
TEST_WORKERS ?= auto

test: $(VENV)/.installed translations
	$(BIN)/pytest -n $(TEST_WORKERS)

setup: $(VENV)/.installed

# Reinstalled whenever pyproject.toml changes; the stamp file marks a finished install.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tracker needs Python 3.11 or newer; set PYTHON=python3.11")'
	# A half-made venv (interrupted creation, no pip) is made again rather than trusted.
	$(BIN)/python -m pip --version >/dev/null 2>&1 || (rm -rf $(VENV) && $(PYTHON) -m venv $(VENV))
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgresql,server,redis]'
	touch $@

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) missions load $(SEED)

# The catalogues: translations/<lang>/LC_MESSAGES/messages.po (in git) compiled to .mo
# (not in git) whenever the .po is newer. See the README's "Languages".
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)

translations: $(PO_FILES:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing a translatable string: extract them all again and merge into every .po.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --ignore-dirs ".* __pycache__ node_modules" --project tracker \
		--msgid-bugs-address press-office@example.org -w 100 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -w 100 --ignore-obsolete

# A burst of concurrent form submissions under gunicorn (2 workers) on a throw-away
# database, checked row by row and timed against a bare Flask-SQLAlchemy insert; SQLite,
# then PostgreSQL too when DATABASE_URL is set. E.g. make load LOAD_ARGS="--requests 500".
LOAD_ARGS ?= --requests 2000 --connections 16
# DATABASE_URL when it names PostgreSQL (a SQLite DATABASE_URL is the app's own database).
LOAD_PG = $(filter postgres%,$(DATABASE_URL))

load: $(VENV)/.installed translations
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)
	$(if $(LOAD_PG),$(BIN)/python benchmarks/load.py $(LOAD_ARGS) --database-url '$(LOAD_PG)')

# Workers killed mid-request (SQLite, and PostgreSQL when DATABASE_URL is set); with
# DATABASE_URL on a local cluster, also PostgreSQL stopped for 4 s under load (needs root).
faults: $(VENV)/.installed translations
	$(BIN)/python benchmarks/faults.py $(if $(LOAD_PG),--database-url '$(LOAD_PG)')

# Times the pages with 100,000 inquiries (a throw-away SQLite file, or a new schema in
# DATABASE_URL's PostgreSQL) beside a bare Flask route and insert; see
# docs/performance.md. Writes bench.json. The bench is benchmarks/bench, not part of the package.
BENCH_ARGS ?= --rows 100000 --json bench.json
BENCH   := $(BIN)/python -m benchmarks.bench
# bench-pg: DATABASE_URL when it names PostgreSQL, else the local cluster's test database.
BENCH_PG = $(or $(LOAD_PG),postgresql+psycopg://postgres@127.0.0.1:5432/test)

bench: $(VENV)/.installed translations
	$(BENCH) $(BENCH_ARGS)

# The same bench in a new schema of a PostgreSQL database, dropped at the end (--keep: kept).
bench-pg: $(VENV)/.installed translations
	DATABASE_URL='$(BENCH_PG)' $(BENCH) $(BENCH_ARGS)

# The form POST's floor, step by step from the bare insert to the real view (SQLite).
bench-form: $(VENV)/.installed translations
	$(BIN)/python -m benchmarks.form_floor

lint: $(VENV)/.installed
	$(BIN)/ruff check tracker tests benchmarks gunicorn.conf.py
	$(BIN)/ruff format --check tracker tests benchmarks gunicorn.conf.py

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# Security lint of the package; every skipped finding has a `# nosec` with its reason.
bandit: $(VENV)/.installed
	$(BIN)/bandit -q -r tracker -c pyproject.toml

# Known vulnerabilities in the installed packages, from PyPI's advisory data.
audit: $(VENV)/.installed
	$(BIN)/pip-audit --local --skip-editable --progress-spinner off

# The layering: the domain never imports a web package (contracts in pyproject.toml).
imports: $(VENV)/.installed
	$(BIN)/lint-imports

# What CI runs before the tests: lint, format, types, imports, security lint, vulnerable
# packages.
check: lint typecheck imports bandit audit

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache translations/*/LC_MESSAGES/*.mo
