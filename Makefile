# Serverless Patterns Lab. Two commands do everything on a fresh machine:
#   make lab   - create .venv, install, open JupyterLab on the course
#   make test  - create .venv, install (chromium included), lint, type-check, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d" " -f1)
LAB_PORT ?= 8888

.PHONY: lab test install system-packages lint typecheck pytest verify bench clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Debian packages the tests need: chromium (real-browser test) and bubblewrap (autograder sandbox).
system-packages:
	@.ci/install-system-packages

lab: install
	$(BIN)/jupyter lab --notebook-dir=. --port=$(LAB_PORT) notebooks/00-start-here.ipynb

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install system-packages
	$(BIN)/python -m pytest

test: lint typecheck pytest verify bench

# Every exercise's reference solution scores full marks, every stub zero with 'not implemented yet'.
verify: install system-packages
	$(BIN)/python -m exercises verify

bench: install
	@echo "== benchmarks (figures, not assertions) =="
	$(BIN)/python -m tests.benchmarks.foundation
	$(BIN)/python -m tests.benchmarks.grader --submissions 10 --jobs 2 --repeat 1  # instructor-only: a release leaves this line out
	# cold starts: simulator speed and agreement with SimFaaS (installed in .venv-simfaas only; cheap modes)
	$(BIN)/python -m tests.benchmarks.cold_start_speed
	$(BIN)/python -m tests.benchmarks.cold_start_fidelity --rates 0.5 3 --thresholds 60 --max-time 20000 --replications 3

clean:
	rm -rf $(VENV) .venv-simfaas .pytest_cache .mypy_cache .ruff_cache
