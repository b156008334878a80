# valuechain: two commands on a fresh clone — `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test fuzz bench install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/valuechain demo

browser:
	@bash tools/ensure-chromium.sh

test: $(STAMP) browser
	$(PY) -m pytest -q -p no:cacheprovider

# a deeper random search of the file readers (1,500 inputs per format, a few minutes)
fuzz: $(STAMP)
	VC_FUZZ_CASES=1500 $(PY) -m pytest -q -p no:cacheprovider tests/test_fuzz_readers.py

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache valuechain-demo
