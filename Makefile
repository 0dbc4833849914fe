# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo test install install-dev messages migrate bench bench-peak browser nginx prod-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input -v 0

run: messages migrate
	@SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py ensure_local_admin
	@SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py ensure_demo_staff
	@echo "The portal: http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@# The embedded beat: due messages (reminders) go out every minute beside the server.
	$(BIN)/python manage.py sweep_messages --every 60 & sweeper=$$!; \
		trap 'kill $$sweeper 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Demo counter staff: a clerk per window and a reservation-centre operator,
# created once with printed passwords.
demo: migrate
	@$(BIN)/python manage.py ensure_demo_staff

test: $(VENV)/.installed-dev messages
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (Playwright's own download does not
# work here); needs root or sudo. Without it the browser tests are skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

# Debian's nginx for the prod-check (deploy/nginx.conf); needs root or sudo.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null; }
	@PATH="$$PATH:/usr/sbin" nginx -v

# The production topology as local processes, checked end to end through nginx
# (docs/operations.md): needs PostgreSQL on PGHOST:PGPORT (default
# 127.0.0.1:5432, user postgres) and redis-server. PROD_CHECK_ARGS=--keep
# keeps the logs.
prod-check: $(VENV)/.installed-dev messages nginx
	PATH="$$PATH:/usr/sbin" timeout 300 $(BIN)/python deploy/prod_check.py $(PROD_CHECK_ARGS)

bench: $(VENV)/.installed messages
	$(BIN)/python bench/calendar_bench.py

# The launch-morning load benchmark: gunicorn on the local PostgreSQL and Redis
# with realistic data (docs/performance.md). BENCH_ARGS=--duration 10 for the
# published numbers; fails only on a seat sold twice.
bench-peak: $(VENV)/.installed messages
	$(BIN)/python bench/peak.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
	find . -name '*.mo' -path './locale/*' -delete
