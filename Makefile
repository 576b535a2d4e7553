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

## demo: install, generate the synthetic 2023 election, count it, write the report
DEMO := build/kz-2023
demo: $(STAMP)
	@echo "== A SYNTHETIC national election of 19 March 2023 (official list totals, invented detail)"
	@rm -rf $(DEMO)
	@$(BIN)/saylau generate kz-2023 $(DEMO) --seed 2023
	@echo "== Counting it: protocols, coded checks, roll-up, seats under the rulebooks in force"
	@$(BIN)/saylau count $(DEMO) --body mazhilis --out build/kz-2023-results.json --quiet
	@$(BIN)/saylau report $(DEMO) -o build/kz-2023-report.html --quiet
	@echo "== The report is at build/kz-2023-report.html; the results are in build/kz-2023-results.json"
	@echo "== What-if: the official 2023 list votes under the 2021 rules, the Kurultai's, D'Hondt, Sainte-Lague"
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
