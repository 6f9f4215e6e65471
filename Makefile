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
	$(BIN)/mypy src

bench: $(STAMP)
	scripts/system-packages.sh bench
	scripts/bench.sh

messages: $(STAMP)
	cd src/guazhi && ../../$(BIN)/guazhi makemessages --locale en --extension html,py --ignore "static/*" --no-location
	$(BIN)/guazhi compilemessages

clean:
	rm -rf $(VENV) var/test-*
