# Serverless Patterns Lab. Two commands do everything on a fresh machine:
#   make lab   - create .venv, install, open JupyterLab on the course
#   make test  - create .venv, install (chromium included), lint, type-check, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
LAB_PORT ?= 8888

.PHONY: lab test install browser lint typecheck pytest bench demos clean

install: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# The real-browser test needs Debian's chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || .ci/install-chromium

lab: install
	$(BIN)/jupyter lab --notebook-dir=. --port=$(LAB_PORT) notebooks/00-start-here.ipynb

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install browser
	$(BIN)/python -m pytest

test: lint typecheck pytest bench

bench: install
	@echo "== benchmarks (figures, not assertions) =="
	$(BIN)/python -m tests.benchmarks.foundation

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
