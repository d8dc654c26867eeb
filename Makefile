# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test test-postgres lint contract bench eval-routing eval-topics clean

install: $(STAMP)

# Reinstall only when the dependency list changed: `make install` is quick when nothing did.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/lianxi run --port $(PORT)

test: install
	$(BIN)/python -m lianxi.testrun

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# The API's contract: schemathesis against a live server with a fresh world (issue 17).
contract: install
	bash scripts/schemathesis.sh

bench: install
	$(BIN)/python -m bench.run

eval-routing: install
	$(BIN)/python -m lianxi.routing.eval

# The grouping of topic proposals (四(三)): pairwise precision/recall, tuning and held-out sets.
eval-topics: install
	$(BIN)/python -m lianxi.annual.eval.topics

clean:
	rm -rf $(VENV) var
