# A fresh machine needs only python3 and make.
#
#   make lab          learners: create .venv if missing, install the course, write YOUR copy of the lessons (the
#                     student versions, exercises blank) to student/ the first time, and open JupyterLab on it.
#                     Your work stays in student/: later runs never overwrite it (delete student/ to start over).
#   make instructor   instructors: the same JupyterLab on notebooks/, the source notebooks WITH the solutions
#   make test         create .venv if missing, install the course, run the whole test suite (tests/ + notebooks)
#   make nbgrader-release   instructors on nbgrader's own route: nbgrader generate_assignment for every lesson
#                     (or ASSIGNMENTS="01_neuron_model ..."), with the data copied into release/<assignment>/data/
#   make notebooks    re-execute every notebook in place and store its outputs (maintainers, after editing one)
#   make constraints  re-pin constraints.txt from the current .venv (maintainers, after changing dependencies)
#   make clean        remove caches, nbgrader output and grading output (graded/, test-artifacts/);
#                     `make distclean` removes .venv as well. Neither touches student/ (a learner's work).
#
# Installation is pinned by constraints.txt (so stored notebook outputs reproduce) and happens only when
# pyproject.toml or constraints.txt changed since the last install (the stamp file below).

PYTHON ?= python3
VENV ?= .venv
EXTRAS ?= test,distributed
PYTEST_ARGS ?=

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP := $(BIN)/python -m pip --disable-pip-version-check
NOTEBOOK_DIR := notebooks
SANITIZER := $(NOTEBOOK_DIR)/nbval_sanitize.cfg
# Every course notebook, without Jupyter's autosave copies.
NOTEBOOKS = $(shell find $(NOTEBOOK_DIR) -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)

STUDENT_DIR := student

# Lesson folders (notebooks/<assignment>/<assignment>.ipynb).
ASSIGNMENTS ?= $(sort $(notdir $(patsubst %/,%,$(dir $(NOTEBOOKS)))))
# What the notebooks read, shipped beside each released lesson (they look for data/ in their folder and above).
DATA_FILES = $(wildcard data/*.csv) data/README.md

.PHONY: install lab instructor nbgrader-release test notebooks constraints clean distclean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --constraint constraints.txt --editable ".[$(EXTRAS)]"
	touch $@

# Jupyter refuses to run as root unless told to (containers, CI images).
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

# The learner's copy is written once (autograder release: nbgrader's student versions, the data, the checker);
# it has no prerequisite on the sources, so that an edited lesson never overwrites a learner's work.
$(STUDENT_DIR)/README.md: | $(STAMP)
	$(BIN)/autograder release $(STUDENT_DIR)

lab: $(STAMP) $(STUDENT_DIR)/README.md
	$(BIN)/jupyter lab --ServerApp.root_dir=$(STUDENT_DIR)/notebooks $(ALLOW_ROOT)

instructor: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(NOTEBOOK_DIR) $(ALLOW_ROOT)

# nbgrader generate_assignment copies only notebooks/<assignment>/; `nbgrader release_assignment` (the hub's
# exchange) then ships release/<assignment>/ as it is, so the data goes in there too.
nbgrader-release: $(STAMP)
	@for assignment in $(ASSIGNMENTS); do \
		$(BIN)/nbgrader generate_assignment "$$assignment" --force || exit 1; \
		mkdir -p "release/$$assignment/data" && cp $(DATA_FILES) "release/$$assignment/data/" || exit 1; \
	done

# pytest collects the unit tests under tests/ and, with --nbval, runs every notebook under notebooks/ and compares
# each cell's fresh output with the stored one (up to what the sanitizer file masks). Notebooks under tests/ are
# test fixtures (e.g. submissions to grade), not lessons, so nbval leaves them alone.
# Two pytest-xdist workers (TEST_WORKERS=1 for one process), each taking whole files (--dist loadfile), so that a
# notebook's cells run in order in one kernel; most of the suite waits on graders and kernels it starts.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest tests $(NOTEBOOK_DIR) --ignore-glob='tests/*.ipynb' -n $(TEST_WORKERS) --dist loadfile \
		--nbval --nbval-current-env --nbval-sanitize-with $(SANITIZER) --nbval-cell-timeout=300 $(PYTEST_ARGS)

notebooks: $(STAMP)
	@if [ -z "$(NOTEBOOKS)" ]; then echo "no notebooks under $(NOTEBOOK_DIR)/"; fi
	@for nb in $(NOTEBOOKS); do \
		echo "executing $$nb"; \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
			--ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done

constraints: | $(BIN)/python
	@echo "# Pinned versions of every installed package, written by 'make constraints' from a working .venv." > $@.txt.tmp
	@echo "# 'make lab' and 'make test' install with these pins so that stored notebook outputs reproduce." >> $@.txt.tmp
	@echo "# They were resolved on Python 3.11; older interpreters ignore them and resolve freely." >> $@.txt.tmp
	$(PIP) freeze --exclude-editable | grep -v -i '^nn[-_]from[-_]scratch[-_]course' \
		| sed -e 's/$$/ ; python_version >= "3.11"/' >> $@.txt.tmp
	mv $@.txt.tmp $@.txt

clean:
	rm -rf .pytest_cache .hypothesis build dist *.egg-info release autograded feedback submitted gradebook.db \
		graded test-artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name .ipynb_checkpoints -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
