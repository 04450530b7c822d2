# Serverless Patterns Lab. Two commands do everything on a fresh machine:
#   make lab   - create .venv, install what the course runs (requirements.txt), open JupyterLab on it
#   make test  - create .venv, install that plus the test tools (requirements-dev.txt, chromium...),
#                lint, type-check, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP     := $(VENV)/.installed-lab-$(shell cat requirements.txt pyproject.toml | cksum | cut -d" " -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | cksum | cut -d" " -f1)
LAB_PORT ?= 8888

.PHONY: lab test install install-dev system-packages lint typecheck pytest verify bench clean

# What a learner needs: the course's own dependencies only. --no-compile: pip would write bytecode for
# every installed module (200 MB, most of it never imported); Python writes it for what a run imports.
install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-compile --no-deps -e .
	rm -f $(VENV)/.installed-lab-*
	touch $@

# What the tests need on top: pytest, the notebook runner, lint, types, the browser driver, moto's server.
install-dev: $(DEV_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-lab-*
	touch $@ $(STAMP)

# Debian packages the tests need: chromium (real-browser test), bubblewrap (autograder sandbox) and
# pgbouncer (pattern 04's pooler).
system-packages:
	@.ci/install-system-packages

lab: install
	$(BIN)/jupyter lab --notebook-dir=. --port=$(LAB_PORT) notebooks/00-start-here.ipynb

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev system-packages
	$(BIN)/python -m pytest

test: lint typecheck pytest verify bench

# Every exercise's reference solution scores full marks, every stub zero with 'not implemented yet'.
verify: install-dev system-packages
	$(BIN)/python -m exercises verify

bench: install-dev
	@echo "== benchmarks (figures, not assertions) =="
	$(BIN)/python -m tests.benchmarks.foundation
	$(BIN)/python -m tests.benchmarks.grader --submissions 10 --jobs 2 --repeat 1  # instructor-only: a release leaves this line out
	# cold starts: simulator speed and agreement with SimFaaS (installed in .venv-simfaas only; cheap modes)
	$(BIN)/python -m tests.benchmarks.cold_start_speed
	$(BIN)/python -m tests.benchmarks.cold_start_fidelity --rates 0.5 3 --thresholds 60 --max-time 20000 --replications 3

clean:
	rm -rf $(VENV) .venv-simfaas .pytest_cache .mypy_cache .ruff_cache
