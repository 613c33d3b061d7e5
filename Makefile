# Two entry points: `make run` and `make test`. Both install what is missing (Debian packages,
# the .venv), build incrementally and are quick when everything is in place.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD_DIR := build/dev
SCENARIO ?= kyrgyzstan
RUN_ARGS ?=

SYSTEM_STAMP := build/.system-deps
VENV_STAMP := $(VENV)/.dev-requirements
BUILD_STAMP := $(VENV)/.migsim-built
SOURCES := $(shell find sim python/src python/migsim scenarios tests/cpp tests/fuzz cmake -type f -not -name '*.so' -not -path '*/__pycache__/*' 2>/dev/null) \
	         CMakeLists.txt pyproject.toml
# A new commit rebuilds too, so that outputs and state files name the commit that was built
# (cmake/git_commit.cmake): git's HEAD and the branch it points to.
GIT_HEAD := $(wildcard $(shell git rev-parse --git-path HEAD 2>/dev/null) \
	      $(addprefix $(shell git rev-parse --git-dir 2>/dev/null)/,$(shell git symbolic-ref -q HEAD 2>/dev/null)))

.PHONY: run test build test-cpp test-python test-sanitize test-tsan fuzz benchmark docs validation format clean

run: $(BUILD_STAMP)
	@mkdir -p out
	$(VENV)/bin/migsim run $(SCENARIO) -o out/$(SCENARIO).h5 $(RUN_ARGS)

test: test-cpp test-python

test-cpp: $(BUILD_STAMP)
	$(VENV)/bin/ctest --test-dir $(BUILD_DIR) --output-on-failure -j2

test-python: $(BUILD_STAMP)
	$(PY) -m pytest -q

build: $(BUILD_STAMP)

# ASan + UBSan build of the GoogleTest suite and the migsim program in build/sanitize, run on the
# test and built-in scenarios; fails on any sanitizer report (docs/reliability.md).
test-sanitize: $(VENV_STAMP) $(SYSTEM_STAMP)
	bash tools/test-sanitize.sh

# ThreadSanitizer on the tests that run the agent pass with several threads (not in CI; build/tsan).
test-tsan: $(VENV_STAMP) $(SYSTEM_STAMP)
	bash tools/test-tsan.sh

# libFuzzer (clang) on the scenario loader for FUZZ_SECONDS, seeded with every scenario; build/fuzz.
FUZZ_SECONDS ?= 60
fuzz: $(VENV_STAMP) $(SYSTEM_STAMP)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tools/fuzz.sh

$(SYSTEM_STAMP): tools/install-system-deps.sh
	bash tools/install-system-deps.sh
	@mkdir -p $(dir $@) && touch $@

$(VENV_STAMP): requirements-dev.txt | $(SYSTEM_STAMP)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# One CMake build tree serves the wheel (engine, CLI, Python module) and the C++ tests.
$(BUILD_STAMP): $(VENV_STAMP) $(SYSTEM_STAMP) $(SOURCES) $(GIT_HEAD)
	$(PY) -m pip install --quiet --no-build-isolation --no-deps \
	  -Cbuild-dir=$(BUILD_DIR) -Ccmake.define.MIGSIM_BUILD_TESTS=ON .
	touch $@

benchmark: $(BUILD_STAMP)
	$(PY) tools/benchmark.py

docs: $(BUILD_STAMP)
	$(PY) tools/generate_docs.py
	$(PY) tools/generate_stubs.py

# docs/validation.md after a model change (about 11 min on 2 cores): the validation report, the effects of the
# 2022-2025 measures into its folder, then the page's generated tables and figures from both.
VALIDATION_REPORT := out/validate-fit/kyrgyzstan
VALIDATION_EFFECTS := mobilisation_2022 amnesty_russia_2022 enforcement_russia_2024 crocus_backlash_2024 \
	russia_90_day_rule_2025 controlled_persons_register_2025 enforcement_russia_2025
validation: $(BUILD_STAMP)
	$(VENV)/bin/migsim-validate-fit scenarios/kyrgyzstan --seeds 20 --scale 10 -o $(VALIDATION_REPORT) -q
	$(PY) tools/event_effects.py kyrgyzstan --labels $(VALIDATION_EFFECTS) --seeds 10 --scale 20 \
		-o $(VALIDATION_REPORT)/event_effects.json
	$(PY) -m migsim.drift -o $(VALIDATION_REPORT)/drift.json
	$(PY) -m migsim.validation_doc $(VALIDATION_REPORT)

format:
	clang-format -i $$(find sim tests/cpp tests/fuzz python/src -name '*.cpp' -o -name '*.hpp')

clean:
	rm -rf build out $(VENV)
