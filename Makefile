# The compendium's two commands: `make` builds everything, `make test` checks everything.
# Both set themselves up from plain Python >= 3.11 (a .venv from requirements.lock) and apt.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := all
.PHONY: all help install browser notebooks rebuild edition validate test lock lint clean citation bench hostile

all: notebooks ## Execute every out-of-date notebook and scenario; write figures/, exports/ and the HTML edition in docs/

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock src/patronage/build/quiet_kernel.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m patronage.build.quiet_kernel
	@touch $(STAMP)

install: $(STAMP) browser ## Create .venv and install the pinned environment (and Chromium for figure export)

browser: ## Install Debian's chromium for static figure export, if no browser is found
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null || \
	  { echo "installing chromium (apt) for static figure export"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

notebooks: install ## Execute the notebooks (incremental; --force with `make rebuild`)
	@$(PY) -m patronage.build

rebuild: install ## Re-execute every notebook and scenario even if up to date
	@$(PY) -m patronage.build --force

edition: install ## Rebuild the offline HTML edition in docs/ (open docs/index.html; works with no network)
	$(PY) -m patronage.publish.edition docs

validate: $(STAMP) ## Validate data/ against its schema and the cross-table rules
	$(PY) -m patronage validate data

test: install ## Run the unit tests, the notebooks under nbval, and the citation check
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --nbval-lax tests notebooks

lock: ## Re-resolve the dependencies of pyproject.toml into requirements.lock (needs the network)
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet -e '.[test]'
	{ echo '# Exact versions that produced the committed outputs; installed by `make`.'; \
	  echo '# Regenerate with `make lock` (needs the network), then `make rebuild`, and commit both.'; \
	  .lockenv/bin/pip freeze --exclude-editable | sort; } > requirements.lock
	rm -rf .lockenv

bench: install ## Time a cold forced rebuild against its floor, a no-change build, the analysis on 1x-10x synthetic data, make test against the rebuild and a first make in a fresh clone, each against its goal (~20 min)
	$(PY) benchmarks/run.py --json build/benchmarks.json

hostile: $(STAMP) ## Run damaged or hostile copies of data/ (one per kind of damage in benchmarks/hostile.py) through validate (as they are, then after rehash) and count the outcomes (~5 min)
	$(PY) benchmarks/hostile.py

lint: $(STAMP) ## Check code style with ruff
	$(PY) -m ruff check src tests benchmarks

clean: ## Remove build/ (executed scenarios, staging, failed runs); keeps committed outputs
	rm -rf build

citation: $(STAMP) ## Regenerate CITATION.bib, codemeta.json and the README's citation block from CITATION.cff (needs the network once)
	test -x .cffenv/bin/cffconvert || { $(PYTHON) -m venv .cffenv && .cffenv/bin/pip install --quiet cffconvert==2.0.0; }
	.cffenv/bin/cffconvert --validate
	.cffenv/bin/cffconvert -f bibtex | sed "s/YourReferenceHere/patronage_compendium/" > CITATION.bib
	.cffenv/bin/cffconvert -f codemeta > codemeta.json
	mkdir -p build && .cffenv/bin/cffconvert -f apalike > build/citation-apa.txt
	$(PY) -m patronage.publish.citation CITATION.bib build/citation-apa.txt
