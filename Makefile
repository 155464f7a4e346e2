# Two entry points for a fresh machine (see README):
#   make run    the default pipeline end to end (DuckDB + figures); creates .venv on first use
#   make test   the test suite; creates .venv on first use
# Extra Snakemake arguments: make run ARGS="--dry-run"; extra pytest arguments: make test PYTEST_ARGS="-m 'not slow'"

VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test lint venv seeds prior-sweep controls rollout-controls amplifiers irreversibility v3

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

# The paper's v3 studies on the three seeds (README "What you will see"): decoding-time controls and the eval
# temperature axis, rollout-controlled arms, the amplifier sweeps (results/figures/amplifier_*.png), a longer
# collapse; v3 = the controls and the amplifier sweeps in one results tree, then the recovery variants of finding
# (iii): what the README reports.
SEEDS := --configfile config/sweeps/seeds.yaml
controls: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) $(SEEDS) config/sweeps/controls.yaml $(ARGS)

rollout-controls: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) $(SEEDS) config/sweeps/rollout_controls.yaml $(ARGS)

amplifiers: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) $(SEEDS) config/sweeps/amplifiers.yaml $(ARGS)

irreversibility: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) $(SEEDS) config/sweeps/irreversibility.yaml $(ARGS)

V3 := config/sweeps/seeds.yaml config/sweeps/amplifiers.yaml config/sweeps/controls.yaml
v3: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --cores $(CORES) --configfile $(V3) $(ARGS)
	$(PY) -m pipeline.analysis.recovery_study results/ --config config/config.yaml $(V3)

test: $(VENV)/.installed
	PATH="$(abspath $(VENV))/bin:$$PATH" pytest $(PYTEST_ARGS)

# ruff over all Python (package, tests, benchmarks, Snakemake glue scripts, tools) and Snakemake's own linter
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks workflow/scripts tools
	PATH="$(abspath $(VENV))/bin:$$PATH" snakemake --lint
