# The two commands: `make demo` runs Guazhi with demo data, `make test` runs the whole suite.
# Both start from nothing but Debian and Python 3.11; everything else is installed here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench install system-packages messages clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PORT=$(PORT) scripts/demo.sh

system-packages:
	scripts/system-packages.sh

test: $(STAMP) system-packages
	scripts/test.sh

# The suite on SQLite only, without the browser: the quick loop while writing code.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not browser and not postgres" -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	DEBUG=1 $(BIN)/mypy src

bench: $(STAMP)
	scripts/system-packages.sh bench
	scripts/bench.sh

# The English catalogue, run from the repository root; the .mo is committed (a fresh machine may
# have no msgfmt) and tests/test_translations.py checks both files are complete and in step.
# 1. makemessages reads .html as Django templates, so it finds `{{ _("…") }}` only where the call
#    opens the expression; 2. scripts/jinja_messages.py parses every template with Jinja2 itself
#    and merges in what step 1 missed ({{ a or _("…") }}, {{ _("是") if x else _("否") }}, macro
#    arguments, tags over several lines); 3. compile, skipping the venv's own locale folders.
# Then translate the new entries in locale/en/LC_MESSAGES/django.po and run `make messages` again.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l en -e html,py --no-location \
		-i ".venv/*" -i "tests/*" -i "benchmarks/*" -i "var/*"
	DEBUG=1 $(BIN)/python scripts/jinja_messages.py
	DEBUG=1 $(BIN)/python manage.py compilemessages -l en -l zh_Hans -i ".venv" -i "var"

clean:
	rm -rf $(VENV) var/test-*
