"""Shared fixtures and helpers: paths, the assignments, the instructor solutions, a course directory to grade."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from autograder import assignments  # noqa: E402
from autograder.notebook import load_definitions  # noqa: E402

REFERENCE_DATA = REPO.parent / "shared" / "reference" / "data.mat"
ASSIGNMENTS = assignments.names()
# Regularization, the course's first assignment, for the tests specific to it.
REGULARIZATION = assignments.load("regularization")
SOURCE_NOTEBOOK = REGULARIZATION.source_notebook
GRADED_FUNCTIONS = REGULARIZATION.functions


def course_copy(tmp_path):
    """A copy of the course directory without its release, venv and history."""
    course = tmp_path / "course"
    shutil.copytree(REPO, course, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "release", "build", "gradebook.db", "submitted", "autograded", "feedback", "__pycache__"))
    return course


def release_notebook(assignment):
    """The student release's notebook of an assignment (an autograder.assignments.Assignment)."""
    return assignment.release_notebook


def grade(course, assignment_name, *args):
    """`python -m autograder grade` on a course directory, quietly; the finished process."""
    return subprocess.run([sys.executable, "-m", "autograder", "grade", assignment_name, "--course-dir", str(course),
                           "--quiet", *args], cwd=REPO, capture_output=True, text=True)


def submit(course, student, assignment, notebook):
    """Place a notebook as nbgrader's collect does: submitted/<student>/<assignment>/<notebook>."""
    folder = course / "submitted" / student / assignment.name
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / assignment.notebook)


def results(course, student, assignment_name):
    """The results.json that grading wrote for a student."""
    return json.loads((course / "autograded" / student / assignment_name / "results.json").read_text())


def items(course, student, assignment_name):
    """{function: item} of a student's results.json."""
    return {item["name"]: item for item in results(course, student, assignment_name)["items"]}


@pytest.fixture(scope="session")
def solution():
    """The instructor notebook's imports and functions (model and the four graded ones)."""
    return load_definitions(SOURCE_NOTEBOOK)


def assert_outputs_are_clean(notebook):
    """Every code cell of an executed notebook ran, without an error, stderr, a warning or a traceback."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {index} was not executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {index} has an error output"
            assert output.get("name") != "stderr", f"cell {index} printed to stderr: {output.text!r}"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert "Warning" not in text and "Traceback" not in text, f"cell {index}: {text!r}"


def printed(notebook, beginning):
    """The text printed by the one code cell of an executed notebook whose source starts with beginning."""
    [cell] = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.startswith(beginning)]
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """graded_class(name): a course directory in which one `grade` run graded, for that assignment, the instructor
    solution ("solution"), the release as downloaded ("release"), one submission per mutant ("mutant-NN") and one
    per correct variant ("correct-NN") of its mutants.py."""
    from tools.variants import submission

    courses = {}

    def course_of(name):
        if name not in courses:
            assignment = assignments.load(name)
            variants = assignments.module(name, "mutants")
            release = release_notebook(assignment)
            course = tmp_path_factory.mktemp(f"class-{name}")
            submit(course, "solution", assignment, submission(release, assignment.source_notebook))
            submit(course, "release", assignment, submission(release, assignment.source_notebook, filled=False))
            for kind, corpus in (("mutant", variants.MUTANTS), ("correct", variants.CORRECT)):
                for number, variant in enumerate(corpus):
                    submit(course, f"{kind}-{number:02d}", assignment,
                           submission(release, assignment.source_notebook, [variant]))
            result = grade(course, name)
            assert result.returncode == 0, result.stderr
            courses[name] = course
        return courses[name]

    return course_of


def make_venv(venv, python=sys.executable):
    """A venv of python (default: this interpreter) holding this venv's packages (hard links), made offline in
    seconds: what setup.sh or `make venv` would install, for an interpreter of the same version."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
    here = Path(sys.prefix)
    packages = next(here.glob("lib/python3*/site-packages"))
    target = venv / packages.relative_to(here)

    def link(source, destination):
        try:
            os.link(source, destination)
        except OSError:  # another file system
            shutil.copy2(source, destination)

    shutil.rmtree(target)
    # Not the kit's editable install (or the course-kit.pth of older venvs): it names this repository, where the
    # bundle could find files it lacks.
    shutil.copytree(packages, target, copy_function=link, ignore=shutil.ignore_patterns(
        "__editable__.course_kit-*", "course_kit-*.dist-info", "course-kit.pth"))
    # The venv's scripts (nbgrader's gradebook runs alembic), with their interpreter line pointed at the new venv.
    for script in sorted((here / "bin").iterdir()):
        destination = venv / "bin" / script.name
        if script.is_file() and not script.is_symlink() and not destination.exists():
            first, _, rest = script.read_bytes().partition(b"\n")
            if first.startswith(f"#!{here}/bin/".encode()):
                destination.write_bytes(first.replace(str(here).encode(), str(venv).encode(), 1) + b"\n" + rest)
                destination.chmod(0o755)


TIERS = ("unit", "integration", "security", "course")  # the folders of tests/, each a marker of the same name


def pytest_collection_modifyitems(config, items):
    """Mark each test with its tier: the folder of tests/ it is in; the notebooks nbval runs are course tests."""
    for item in items:
        parts = Path(item.fspath).resolve().relative_to(REPO).parts
        tier = parts[1] if parts[0] == "tests" and len(parts) > 2 and parts[1] in TIERS else "course"
        item.add_marker(tier)
