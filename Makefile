# make run   -> set up .venv, migrate the SQLite database under instance/, load the demo, serve
# make test  -> set up .venv and run the test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint install system-deps bench translations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/survey-app demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy --strict domain designs questionnaires sampling analysis adminunits
	$(BIN)/mypy survey_app
	$(BIN)/lint-imports

# Debian packages for the browser tests, .doc conversion and the XLSX check, the fonts
# embedded in PDF letters and reports, and the tools that read generated PDFs and their QR
# codes back in the tests (needs root).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v zbarimg >/dev/null \
	    || ! test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver libreoffice-calc-nogui libreoffice-writer-nogui \
	    fonts-dejavu-core fonts-dejavu-extra poppler-utils zbar-tools; \
	fi

bench: install
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o /tmp/messages.pot .
	$(BIN)/pybabel update -i /tmp/messages.pot -d survey_app/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
