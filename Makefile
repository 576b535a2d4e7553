# saylau: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# mypyc compiles these in place (setup.py); a change to them means a rebuild.
COMPILED := src/saylau/law/methods/allocation.py src/saylau/law/methods/quota.py

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

## demo: install, then run the Mazhilis 2023 election through its dated rulebook
demo: $(STAMP)
	@echo "== Kazakhstan's rulebooks (PROVISIONAL marks what the law text did not confirm)"
	@$(BIN)/saylau rulebooks | head -n 24
	@echo "== Mazhilis, 19 March 2023, under the rulebook in force that day"
	@$(BIN)/saylau elect kz.mazhilis@2023-03-19 examples/kz-mazhilis-2023.json
	@echo "== How the 69 list seats were shared (quota + largest remainder, with the trail)"
	@$(BIN)/saylau allocate examples/mazhilis-2023-lists.csv --seats 69 --method hare \
		--threshold 5% --threshold-base 6366441
	@echo "== What-if: the same votes under D'Hondt"
	@$(BIN)/saylau allocate examples/mazhilis-2023-lists.csv --seats 69 --method dhondt \
		--threshold 5% --threshold-base 6366441 --no-explain
	@echo "== The same votes under the 2021 rules, the Kurultai's, D'Hondt and Sainte-Lague"
	@$(BIN)/saylau compare examples/kz-mazhilis-2023.json \
		--rulebooks kz.mazhilis@2023-03-19 kz.mazhilis@2021-01-10 kz.kurultai \
		--methods dhondt sainte-lague --seats 69 --threshold 5%

## test: install what tests need, lint, type-check, run the whole suite
test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## bench: the allocation benchmark against votelib (big data; minutes)
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/allocation.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src -name '*.so' -delete
