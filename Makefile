# Everything runs from a virtual environment in .venv, installed from constraints.txt so
# that a new upstream release cannot change what main builds with.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Material prints a notice about MkDocs 2 on every build; this project pins MkDocs 1.x.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site serve test lint validate bench eval constraints clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

## site: validate the COEs and build the site into site/ (fails on any finding)
site: $(STAMP)
	$(BIN)/mkdocs build --strict

## serve: preview the site at http://127.0.0.1:8000 while you edit (a saved COE
## re-renders only the pages it changes)
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty

## validate: check the COEs in coes/ and print findings
validate: $(STAMP)
	$(BIN)/coe validate

## lint: ruff and mypy over the source and the tests
lint: $(STAMP)
	$(BIN)/ruff check plugins tests
	$(BIN)/ruff format --check plugins tests
	$(BIN)/mypy

## test: lint, then the whole test suite
test: lint
	$(BIN)/pytest -n 2 -q

## bench: time validation and builds at 1,000 and 10,000 COEs (takes a while)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench.run

## eval: recall at 3 and mean reciprocal rank of `coe similar` on tests/eval (relations hidden)
eval: $(STAMP)
	$(BIN)/python -m tests.eval.measure

## constraints: re-pin every dependency to what is installed now (after an upgrade)
constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check > constraints.txt

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
