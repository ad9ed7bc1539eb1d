# embedlab's set-up and checks. Every target builds the virtual environment first, so each
# one works on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.embedlab-installed
OUT    ?= runs/sample

.PHONY: venv demo test lint docs bench clean mutants

# torch is installed first and pinned, so pip takes the CPU build on this machine instead
# of downloading a multi-GB CUDA build.
# The model2vec plugin is installed the way its users install it, from its own folder (not
# editable), so the set-up reruns when its sources change.
PLUGIN_FILES := $(shell find plugins/embedlab-model2vec -name '*.py' -path '*/src/*') \
                plugins/embedlab-model2vec/pyproject.toml

$(STAMP): pyproject.toml $(PLUGIN_FILES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet ./plugins/embedlab-model2vec
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with embedlab and every extra

demo: $(STAMP)  ## the main job: compare baseline vs finetuned on the shipped sample, offline
	HF_HUB_OFFLINE=1 $(BIN)/embedlab compare --provider local --out $(OUT)

# Strict skips (conftest.py): a skip whose reason is not on its short allow-list fails, so a
# broken install cannot pass as a green run. `make test STRICT_SKIPS=0` lets every skip be.
STRICT_SKIPS ?= 1

test: $(STAMP)  ## the test suite, the model2vec plugin's tests included (pyproject testpaths)
	HF_HUB_OFFLINE=1 EMBEDLAB_STRICT_SKIPS=$(STRICT_SKIPS) $(BIN)/python -m pytest -q -rs

# Mutation testing of the modules that compute what users read (bench/mutants.py; CPU heavy,
# not in CI). `make mutants MUTATE=embedlab/_calibration.py` for one module.
MUTATE ?=

mutants: $(STAMP)  ## mutmut over evaluation, calibration, classifier, label audit, leaderboard, serve auth, corpus output
	$(BIN)/python bench/mutants.py $(MUTATE)

lint: $(STAMP)  ## ruff and mypy on the package and the model2vec plugin
	$(BIN)/ruff check sdk adapters tests bench plugins
	$(BIN)/mypy sdk/embedlab adapters
	$(BIN)/mypy plugins/embedlab-model2vec/src

docs: $(STAMP)  ## build the documentation site into site/, failing on any warning
	HF_HUB_OFFLINE=1 NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache site
