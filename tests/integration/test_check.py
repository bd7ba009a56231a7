"""`make check NB=...` (tools/check.py): one notebook graded in the grader's sandbox, a verdict per function.

The notebook is someone else's code: the check grades it as the one
submission of a private course directory, through `python -m autograder
grade`, and reads the verdicts from results.json. Nothing of the notebook runs
outside the sandbox: a hostile cell can neither read the hidden tests nor
write into the kit.
"""

import os
import subprocess
import sys
import uuid

import nbformat
import pytest
from conftest import GRADED_FUNCTIONS, REGULARIZATION, REPO, SOURCE_NOTEBOOK, release_notebook

from tools.variants import submission

FIRST = GRADED_FUNCTIONS[0]


def check(notebook, *options, env=None):
    """`python -m tools.check` on a notebook; the finished process."""
    return subprocess.run([sys.executable, "-m", "tools.check", str(notebook), *options], cwd=REPO,
                          capture_output=True, text=True, timeout=600, env=env)


def verdicts(result):
    """{function: (PASS or FAIL, points)} of the check's output."""
    found = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("PASS", "FAIL") and parts[1] in GRADED_FUNCTIONS:
            found[parts[1]] = (parts[0], parts[2])
    return found


def saved(tmp_path, notebook, name=None):
    path = tmp_path / (name or REGULARIZATION.notebook)
    nbformat.write(notebook, path)
    return path


def test_the_solution_passes_every_function(tmp_path):
    path = saved(tmp_path, submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK))
    result = check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    points = {function: f"{REGULARIZATION.points[function]:g}" for function in GRADED_FUNCTIONS}
    assert verdicts(result) == {function: ("PASS", f"{p}/{p}") for function, p in points.items()}
    assert "Score: 10/10" in result.stdout and "sandbox" in result.stdout


def test_the_release_as_downloaded_fails_every_function_with_its_message(tmp_path):
    result = check(release_notebook(REGULARIZATION))
    assert result.returncode == 1, result.stdout + result.stderr
    assert {verdict for verdict, _ in verdicts(result).values()} == {"FAIL"}
    assert len(verdicts(result)) == len(GRADED_FUNCTIONS)
    assert f"{FIRST} is not done yet" in result.stdout and "Score: 0/10" in result.stdout


def test_a_hostile_notebook_reads_and_writes_nothing_of_the_kit(tmp_path):
    """The graded function tries, when called, to read the hidden tests and to write into source/ and beside the
    notebook, and computes the right cost only when every attempt fails: it passes only if nothing was reachable.
    A plain code cell tries the same when the notebook is executed (as the old check did)."""
    secret = REPO / "source" / "regularization" / "hidden_tests.py"
    planted = REPO / "source" / "regularization" / f"planted-{uuid.uuid4().hex}.txt"
    outside = tmp_path / "planted-outside.txt"
    attack = (f"    try:\n"
              f"        open({str(secret)!r}).read()\n"
              f"        return None\n"
              f"    except OSError:\n"
              f"        pass\n"
              f"    for target in ({str(planted)!r}, {str(outside)!r}):\n"
              f"        try:\n"
              f"            open(target, 'w').write('written by student code')\n"
              f"            return None\n"
              f"        except OSError:\n"
              f"            pass\n")
    notebook = submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK)
    cell = next(c for c in notebook.cells if c.source.startswith(f"# GRADED FUNCTION: {FIRST}\n"))
    assert "    m = Y.shape[1]\n" in cell.source
    cell.source = cell.source.replace("    m = Y.shape[1]\n", attack + "    m = Y.shape[1]\n", 1)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(f"open({str(planted)!r}, 'w').write('top level')\n"
                                                       f"open({str(outside)!r}, 'w').write('top level')"))
    try:
        result = check(saved(tmp_path, notebook))
        assert result.returncode == 0, result.stdout + result.stderr
        assert verdicts(result)[FIRST][0] == "PASS"  # the read and both writes failed, in the sandbox
        assert not planted.exists() and not outside.exists()
    finally:
        planted.unlink(missing_ok=True)


@pytest.mark.parametrize("filled", [True, False])
def test_an_edited_read_only_cell_is_named_and_counts_for_nothing(tmp_path, filled):
    notebook = submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK, filled=filled)
    test = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test.source = "raise AssertionError('edited')" if filled else "print('All tests passed.')"
    (tmp_path / "public_tests.py").write_text("raise ImportError('the student broke their copy')\n")
    result = check(saved(tmp_path, notebook, "Renamed.ipynb"))
    assert result.returncode == (0 if filled else 1), result.stdout + result.stderr
    assert f"1 read-only cell(s) were edited (test_{FIRST})" in result.stdout and "count for nothing" in result.stdout
    assert f"checked as {REGULARIZATION.notebook}" in result.stdout  # told by its cells, not its name
    assert verdicts(result)[FIRST][0] == ("PASS" if filled else "FAIL")


def test_the_assignment_is_given_or_the_check_says_it_cannot_tell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    result = check(saved(tmp_path, notebook, "Other.ipynb"))
    assert result.returncode == 2 and "cannot tell which assignment Other.ipynb is for" in result.stderr
    assert "--assignment" in result.stderr and "Traceback" not in result.stderr
    result = check(saved(tmp_path, notebook, "Other.ipynb"), "--assignment", "regularization")
    assert result.returncode == 1 and "Other.ipynb: regularization" in result.stdout
    assert {verdict for verdict, _ in verdicts(result).values()} == {"FAIL"}
    result = check(saved(tmp_path, notebook, "Other.ipynb"), "--assignment", "nonesuch")
    assert result.returncode == 2 and "no assignment 'nonesuch'" in result.stderr


@pytest.mark.parametrize("content, message", [
    (None, "no notebook at"),
    ("{not json", "is not a readable notebook"),
])
def test_what_is_not_a_notebook_is_a_usage_error(tmp_path, content, message):
    path = tmp_path / "Regularization.ipynb"
    if content is not None:
        path.write_text(content)
    result = check(path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_where_nothing_can_isolate_student_code_the_check_refuses(tmp_path):
    path = saved(tmp_path, submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK))
    result = check(path, env={**os.environ, "AUTOGRADER_WITHOUT": "namespaces,landlock,uid"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot be isolated" in result.stderr and "PASS" not in result.stdout
