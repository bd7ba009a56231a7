# The course kit: every assignment of source/ (see autograder/assignments.py). Every target bootstraps .venv
# from the pinned requirements.txt the first time it runs (and again when it changes).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
SOURCE_NB := source/regularization/Regularization.ipynb
EXAMPLE_COURSE := build/example-course
COURSE ?= .
ASSIGNMENT ?= regularization
JOBS ?= auto

.DEFAULT_GOAL := run
.PHONY: help run test test-fast lint bench bench-large execute release dist check grade examples new-assignment notebook lab dataset dataset-table venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# The kit itself, editable (pyproject.toml): the `autograder` script, and the course root on the venv's path, so
	@# that kernels started anywhere (nbgrader's, the source notebook's) can import autograder and the helpers.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	@# The path file that older versions of this Makefile wrote instead.
	@$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_path("purelib"), "course-kit.pth").unlink(missing_ok=True)'
	@touch $@

## The main job: regenerate the student release, grade the example submissions of every
## assignment into a fresh course directory (with nbgrader's SQLite gradebook), print the score tables
## and write each assignment's class report.
run: $(STAMP)
	$(PY) -m tools.release
	rm -rf $(EXAMPLE_COURSE) && mkdir -p $(EXAMPLE_COURSE)
	cp -R examples/submissions $(EXAMPLE_COURSE)/submitted
	for assignment in $$($(PY) -c 'from autograder import assignments; print(*assignments.names())'); do \
		$(PY) -m autograder grade "$$assignment" --course-dir $(EXAMPLE_COURSE) --table || exit 1; \
		$(PY) -m autograder report "$$assignment" --course-dir $(EXAMPLE_COURSE) || exit 1; done

## Execute the instructor notebook (into build/) and print the three models' accuracies.
notebook: $(STAMP)
	$(PY) -m tools.execute $(SOURCE_NB) --output build/Regularization.ipynb --print-tag summary

## All tests, in parallel (JOBS processes; the serial ones after), QUICK=1 leaves out the ones in real containers
## (they need a Docker daemon: .ci/run starts one). The tiers are folders of tests/: unit, integration, security, course.
test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile -m "not serial$(if $(QUICK), and not container)"
	$(PY) -m pytest -m "serial$(if $(QUICK), and not container)"

## The unit tests of the pure modules (tests/unit/): seconds.
test-fast: $(STAMP)
	$(PY) -m pytest tests/unit -q --durations=5

## Check the kit's Python code with ruff (its rules are in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .

## List the targets.
help:
	@awk '/^## /{doc = doc substr($$0, 4) " "} /^[a-z-]+:/{if (doc) printf "  %-16s %s\n", substr($$1, 1, length($$1) - 1), doc; doc = ""}' $(MAKEFILE_LIST)

## Benchmark grading against nbgrader autograde (a few minutes) and write the table into benchmarks/README.md.
bench: $(STAMP)
	$(PY) -m tools.bench --update benchmarks/README.md

## Grade a class of 2,000 submissions and one of 20 (steady rate, memory, similarity); table in benchmarks/README.md.
bench-large: $(STAMP)
	$(PY) -m tools.bench --large 2000 --update benchmarks/README.md

## Re-execute the instructor notebooks and the companion notebooks in place, to commit their refreshed outputs.
execute: $(STAMP)
	for notebook in source/*/*.ipynb notebooks/*.ipynb; do $(PY) -m tools.execute "$$notebook" --output "$$notebook" || exit 1; done

## Generate the student release of every assignment in source/ into release/ (commit the result).
release: $(STAMP)
	$(PY) -m tools.release

## Package each assignment's release as dist/<assignment>.zip for students (checked: no solution, no grader code).
dist: release
	$(PY) -m tools.dist

## Grade one notebook (anyone's: it runs only in the grader's sandbox) in a private course directory and print
## a verdict per graded function: make check NB=path/to/notebook.ipynb [ASSIGNMENT=name, default: told from the notebook].
check: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make check NB=path/to/notebook.ipynb [ASSIGNMENT=name]" >&2; exit 2; }
	$(PY) -m tools.check "$(NB)" $(if $(filter command line environment,$(origin ASSIGNMENT)),--assignment "$(ASSIGNMENT)")

## Grade the submissions of a course directory in nbgrader's layout:
## make grade COURSE=path ASSIGNMENT=name (defaults: here, regularization).
grade: $(STAMP)
	$(PY) -m autograder grade "$(ASSIGNMENT)" --course-dir "$(COURSE)" --table

## Regenerate examples/submissions/ from the release and each assignment's mutants.py (commit the result).
examples: $(STAMP)
	$(PY) -m tools.make_examples

## Start a new assignment in source/NAME/, ready to edit: make new-assignment NAME=weight_decay [FUNCTION=l2_penalty]
new-assignment: $(STAMP)
	@test -n "$(NAME)" || { echo "usage: make new-assignment NAME=name [FUNCTION=name]" >&2; exit 2; }
	$(PY) -m tools.new_assignment "$(NAME)" $(if $(FUNCTION),--function "$(FUNCTION)")

## Open JupyterLab on the student releases (release/) and the companion notebooks (notebooks/).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=.

## Regenerate datasets/data.mat from its generator (deterministic).
dataset: $(STAMP)
	$(PY) -m tools.make_dataset

## Train the three models on 10 generator seeds and print the table of datasets/README.md.
dataset-table: $(STAMP)
	$(PY) -m tools.make_dataset --table

clean:
	rm -rf build dist .pytest_cache
