"""The Gradescope route: the bundle of an assignment, installed as Gradescope would, grades uploads into results.json.

The bundle of Regularization is built (twice: the same bytes), checked to
hold what grading needs and nothing private to development or to another
assignment, and unpacked into root/source as Gradescope does. Its setup.sh is
run for real, offline: the virtual environment it would make is made first
(a venv of this interpreter holding hard links to this venv's packages, and
its scripts, such as alembic, pointed at it; not a .pth file naming this venv,
which the sandbox would not see), so setup.sh skips the Python install and
its `pip install -r requirements.txt` (with PIP_NO_INDEX) must find every
pinned requirement satisfied. Then run_autograder grades uploads with
AUTOGRADER_ROOT=root, and each results.json is checked against Gradescope's
schema and the expected scores.
"""

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest
from conftest import REGULARIZATION, REPO, make_venv, release_notebook

from autograder import assignments, commands, errors, gradescope
from tools.variants import submission

SYSTEM_PYTHON = "/usr/bin/python3.11"  # what Gradescope's Ubuntu image and setup.sh use, where it is installed
NAME = REGULARIZATION.name
NOTEBOOK = REGULARIZATION.notebook
POINTS = REGULARIZATION.points
TOTAL = sum(POINTS.values())
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
FORMATS = ["text", "html", "simple_format", "md", "ansi"]
# Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/), with what this
# autograder promises on top: a score, an execution time, an output and one test per graded function.
TEST_SCHEMA = {
    "type": "object",
    "required": ["name", "score", "max_score", "status", "output", "visibility"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "score": {"type": "number", "minimum": 0},
        "max_score": {"type": "number", "minimum": 0},
        "status": {"enum": ["passed", "failed"]},
        "output": {"type": "string", "minLength": 1},
        "visibility": {"enum": VISIBILITY},
        "number": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "output_format": {"enum": FORMATS},
        "name_format": {"enum": FORMATS},
        "extra_data": {"type": "object"},
    },
}
SCHEMA = {
    "type": "object",
    "required": ["score", "execution_time", "output", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "integer", "minimum": 0},
        "output": {"type": "string", "minLength": 1},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITY},
        "stdout_visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST_SCHEMA},
        "leaderboard": {"type": "array"},
    },
}


def unpack(bundle, folder):
    """Extract the zip as Gradescope does, with the modes it records (zipfile alone drops them)."""
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, folder))
            path.chmod(info.external_attr >> 16 & 0o777)


def environment(root, **extra):
    """A bare environment, as Gradescope's: nothing of this repository or its venv on the paths."""
    return {"AUTOGRADER_ROOT": str(root), "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(root / "home"),
            "LANG": "C.UTF-8", **extra}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle")
    first = gradescope.build(NAME, folder / "autograder.zip")
    second = gradescope.build(NAME, folder / "again.zip")
    assert first.read_bytes() == second.read_bytes(), "two builds of the same files differ"
    return first


@pytest.fixture(scope="module")
def root(bundle, request):
    """$AUTOGRADER_ROOT after Gradescope's image build: the bundle in source/, setup.sh run. Like /autograder, where
    a sandbox's uid may reach the venv (pytest's own folders are private to root)."""
    root = Path(tempfile.mkdtemp(prefix="gradescope-root-"))
    root.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    unpack(bundle, root / "source")
    (root / "home").mkdir()
    make_venv(root / "venv", SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else sys.executable)
    result = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root, capture_output=True, text=True,
                            env=environment(root, PIP_NO_INDEX="1"), timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Requirement already satisfied: numpy==" in result.stdout and "Successfully installed" not in result.stdout
    assert "Protections for student code" in result.stdout  # setup.sh's doctor
    return root


def grade_upload(root, files, script=None, **extra):
    """Upload files ({name: bytes}) as a student would and run run_autograder (the bundle's, or script).

    Returns results.json, validated, and what run_autograder printed (the instructor's log).
    """
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    result = subprocess.run([str(script or root / "source" / "run_autograder")], cwd=root, capture_output=True,
                            text=True, env=environment(root, **extra), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert [test["name"] for test in results["tests"]] == list(REGULARIZATION.functions)
    assert [test["max_score"] for test in results["tests"]] == [POINTS[f] for f in REGULARIZATION.functions]
    assert results["score"] == sum(test["score"] for test in results["tests"])
    for test in results["tests"]:
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")
    text = json.dumps(results)
    assert "Traceback" not in text and "hidden_tests.py" not in text
    return results, result.stdout


def notebook_bytes(variants=()):
    notebook = submission(release_notebook(REGULARIZATION), REGULARIZATION.source_notebook, variants)
    return nbformat.writes(notebook).encode()


def scores(results):
    return {test["name"]: test["score"] for test in results["tests"]}


def test_the_bundle_holds_what_grading_needs_and_nothing_else(bundle):
    with zipfile.ZipFile(bundle) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        names = sorted(infos)
        assert names == sorted(names) == [info.filename for info in archive.infolist()]  # written in order
        assert {info.date_time for info in infos.values()} == {(1980, 1, 1, 0, 0, 0)}
        for name, info in infos.items():
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode), f"{name} is not a regular file in the zip"
            assert stat.S_IMODE(mode) == (0o755 if name in ("setup.sh", "run_autograder") else 0o644), name
        assert archive.read("requirements.txt") == (REPO / "requirements.txt").read_bytes()
        assert archive.read(f"source/{NAME}/datasets/data.mat") == (REPO / "datasets" / "data.mat").read_bytes()
        assert archive.read(f"source/{NAME}/reg_utils.py") == (REPO / "reg_utils.py").read_bytes()
        assert archive.read(f"source/{NAME}/{NOTEBOOK}") == REGULARIZATION.source_notebook.read_bytes()
    package = {f"autograder/{p.name}" for p in (REPO / "autograder").glob("*.py")}
    assert package <= set(names)
    assert {"setup.sh", "run_autograder", "requirements.txt", "checking.py", "reg_utils.py", "testCases.py",
            "datasets/data.mat"} <= set(names)
    assert sorted(n for n in names if n.startswith("source/")) == sorted(
        f"source/{NAME}/{n}" for n in (NOTEBOOK, "public_tests.py", "hidden_tests.py", "checking.py", "reg_utils.py",
                                       "testCases.py", "datasets/data.mat"))
    for name in names:
        assert "mutants" not in name and "__pycache__" not in name and not name.endswith(".pyc"), name
        assert "tuning" not in name.lower(), f"{name}: another assignment in the bundle"
        assert not name.startswith(("tools/", "tests/", "release/", "examples/", "notebooks/", "benchmarks/")), name


def test_the_command_writes_the_bundle_and_its_errors_are_clear(tmp_path):
    with pytest.raises(errors.AssignmentError, match="no assignment 'nope'"):
        gradescope.build("nope", tmp_path / "autograder.zip")
    with pytest.raises(errors.BundleError, match="create it first"):
        gradescope.build(NAME, tmp_path / "missing" / "autograder.zip")
    with pytest.raises(errors.UsageError, match="is a folder"):
        commands.gradescope.gradescope(NAME, tmp_path)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        written = commands.gradescope.gradescope(NAME, tmp_path / "autograder.zip")
    assert printed.getvalue().startswith(f"Wrote {written} (")
    assert zipfile.ZipFile(written).testzip() is None
    result = subprocess.run([sys.executable, "-m", "autograder", "gradescope", "nope", "--output",
                             str(tmp_path / "x.zip")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "error: no assignment 'nope'" in result.stderr


def test_the_solution_gets_full_marks(root):
    results, _ = grade_upload(root, {NOTEBOOK: notebook_bytes()})
    assert results["score"] == TOTAL and all(test["status"] == "passed" for test in results["tests"])
    assert f"{NOTEBOOK}: {TOTAL:g} / {TOTAL:g} points." in results["output"]
    assert all("passes all" in test["output"] for test in results["tests"])


def test_a_mutant_loses_its_function_only(root):
    mutant = assignments.module(NAME, "mutants").MUTANTS[0]
    # Uploaded under another name, alone: it is graded as the assignment's notebook.
    results, _ = grade_upload(root, {"my work.ipynb": notebook_bytes([mutant])})
    expected = {f: (0 if f == mutant.function else POINTS[f]) for f in REGULARIZATION.functions}
    assert scores(results) == expected and results["score"] == TOTAL - POINTS[mutant.function]
    [failed] = [test for test in results["tests"] if test["status"] == "failed"]
    assert mutant.cause in failed["output"]
    assert f"my work.ipynb was graded as {NOTEBOOK}" in results["output"]


@pytest.mark.parametrize("files, problem", [
    ({NOTEBOOK: b"%PDF-1.4 not a notebook"}, "is not a notebook: it is not valid JSON"),
    ({"answers.py": b"print(1)\n"}, "no notebook (.ipynb file) in the upload (found: answers.py)"),
])
def test_a_broken_upload_gets_zero_and_says_what_to_upload(root, files, problem):
    results, _ = grade_upload(root, files)
    assert results["score"] == 0 and all(test["status"] == "failed" for test in results["tests"])
    assert problem in results["output"] and f"Upload your {NOTEBOOK}" in results["output"]
    assert all(problem in test["output"] for test in results["tests"])


def test_without_a_sandbox_the_grader_refuses_and_tells_the_instructor(root):
    results, _ = grade_upload(root, {NOTEBOOK: notebook_bytes()}, AUTOGRADER_WITHOUT="namespaces,landlock,uid")
    assert results["score"] == 0
    assert "not a problem with your submission" in results["output"] and "Instructor:" in results["output"]
    assert "cannot be isolated" in results["output"]
    assert "--unsafe-no-sandbox" not in results["output"]  # the grader's advice: a bundle never grades without one


def test_setup_fails_the_build_where_no_layer_can_be_had(root):
    result = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root, capture_output=True, text=True,
                            env=environment(root, PIP_NO_INDEX="1", AUTOGRADER_WITHOUT="namespaces,landlock,uid"),
                            timeout=120)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "cannot be isolated in this image" in result.stdout and "build fails here" in result.stdout
    assert stat.S_IMODE((root / "source").stat().st_mode) == 0o700  # the hidden tests are root's alone


HOSTILE_CELL = """
import glob, os
def compute_cost_with_regularization(A3, Y, parameters, lambd):
    for path in glob.glob('{root}/source/**', recursive=True)[:50]:
        print(path)
    try:  # shown to the student if it could be read
        raise RuntimeError(open('{source}/source/regularization/hidden_tests.py').read()[:300])
    except OSError:
        pass
    try:  # a process left behind that would rewrite results.json after the grader wrote it
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                import time
                for _ in range(100):
                    try:
                        with open('{root}/results/results.json', 'w') as handle:
                            handle.write('{{"score": 10, "tests": []}}')
                    except OSError:
                        pass
                    time.sleep(0.1)
            os._exit(0)
    except OSError:
        pass
    try:
        with open('{root}/results/results.json', 'w') as handle:
            handle.write('{{"score": 10}}')
        return 0.0  # wrong, unless the forged results.json stood
    except OSError:
        pass
    m = Y.shape[1]
    W1, W2, W3 = parameters['W1'], parameters['W2'], parameters['W3']
    return compute_cost(A3, Y) + lambd / (2 * m) * (np.sum(W1 ** 2) + np.sum(W2 ** 2) + np.sum(W3 ** 2))
"""


@pytest.mark.parametrize("without", ["", "namespaces"], ids=["best-layer", "no-namespaces"])
def test_a_hostile_upload_reads_nothing_of_the_bundle_and_writes_no_result(root, without):
    """In the layer with namespaces, and in the one without (Gradescope's container allows no namespaces)."""
    notebook = nbformat.reads(notebook_bytes().decode(), as_version=4)
    graded = next(cell for cell in notebook.cells if cell.source.startswith("# GRADED FUNCTION: compute_cost_with"))
    graded.source = "# GRADED FUNCTION: compute_cost_with_regularization\nimport numpy as np\n" + \
        HOSTILE_CELL.format(source=root / "source", root=root)
    results, log = grade_upload(root, {NOTEBOOK: nbformat.writes(notebook).encode()}, AUTOGRADER_WITHOUT=without)
    assert f"layer: {'namespaces' if not without else 'landlock'} " in log
    assert results["score"] == TOTAL, results["tests"][0]["output"]  # right, and only because every attack failed
    import time
    time.sleep(1.5)  # what a process left behind would have done by now
    assert json.loads((root / "results" / "results.json").read_text()) == results
    assert "HiddenTests" not in json.dumps(results) and "hidden_tests" not in log
