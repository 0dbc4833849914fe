# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in mail links; follows HOST and PORT (make run PORT=8020) unless set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run demo test install install-dev messages migrate bench bench-peak bench-wrk browser nginx prod-check clean

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

# The compiled catalogues (.mo) are committed (docs/decisions.md); this rebuilds them.
# compilemessages skips a .mo newer than its .po, and a checkout sets no useful
# times: touch the .po files so every catalogue is compiled again.
messages: $(VENV)/.installed
	find locale -name '*.po' -exec touch {} +
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input -v 0

# SITE_URL goes to every process: the admin and demo commands, the sweeper that
# sends the reminders and the server that sends the booking mails.
run: export SITE_URL := $(SITE_URL)
run: messages migrate
	@$(BIN)/python manage.py ensure_local_admin
	@$(BIN)/python manage.py ensure_demo_staff
	@$(BIN)/python manage.py ensure_demo_bookings
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
# work here) and the zbar library that reads the QR codes in the tests (pyzbar);
# needs root or sudo. Without them those tests are skipped.
browser:
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s libzbar0 >/dev/null 2>&1; } || { \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium libzbar0 >/dev/null; }
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

# Availability reads through the production path (gunicorn as docker-compose.yml's web,
# deploy/nginx.conf with and without its micro-cache) measured with wrk, Debian's
# package, installed here if missing (root or sudo); docs/performance.md.
# BENCH_ARGS="--duration 10 --connections 32,64" for the published numbers.
bench-wrk: $(VENV)/.installed-dev messages nginx
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	PATH="$$PATH:/usr/sbin" $(BIN)/python bench/wrk_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
