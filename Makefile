# Two entry points for a fresh machine (see README):
#   make run    the default pipeline end to end (DuckDB + figures); creates .venv on first use
#   make test   the test suite; creates .venv on first use
# Extra Snakemake arguments: make run ARGS="--dry-run"; extra pytest arguments: make test PYTEST_ARGS="-m 'not slow'"

VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test lint venv seeds prior-sweep

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) $(ARGS)

# The CPU lab's two sweeps (README "What you will see"): three seeds of the default run, and the default run
# once per pretraining mix of config.yaml's prior_sweep (results/priors/{mix}/, figure results/figures/prior_sweep.png).
seeds: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) --configfile config/sweeps/seeds.yaml $(ARGS)

prior-sweep: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) prior_sweep $(ARGS)

test: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" pytest $(PYTEST_ARGS)

# ruff over all Python (package, tests, benchmarks, Snakemake glue scripts, tools) and Snakemake's own linter
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks workflow/scripts tools
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --lint
