"""`make dist`: one zip per assignment, the release folder only, with no solution and no grader code."""

import json
import shutil
import zipfile

import nbformat
import pytest
from conftest import ASSIGNMENTS, REPO

from autograder import assignments, errors
from tools import dist, leaks


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_zip_holds_the_release_folder_only_and_no_solution(name, tmp_path):
    path = dist.build(name, dist=tmp_path)
    again = dist.build(name, dist=tmp_path / "again")
    assert path.read_bytes() == again.read_bytes()  # deterministic
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        released = {p.relative_to(REPO / "release" / name).as_posix()
                    for p in (REPO / "release" / name).rglob("*") if p.is_file()}
        assert sorted(names) == sorted(f"{name}/{inside}" for inside in released)
        # The guide and the requirements for students, as make release wrote them.
        for generated in ("README.md", "requirements.txt"):
            assert archive.read(f"{name}/{generated}") == (REPO / "release" / name / generated).read_bytes()
        assert assignments.load(name).notebook in archive.read(f"{name}/README.md").decode()
        assert all((info.external_attr >> 16) & 0o777 == 0o644 for info in archive.infolist())
        text = "\n".join(archive.read(member).decode("utf-8", errors="ignore") for member in names)
        # Nothing of any assignment's solutions (tools/leaks.py; tests/course/test_no_leaks.py tests its rules).
        found = [leak for member in names for leak in leaks.scan(member, archive.read(member))]
    assert not found, leaks.describe(found)
    for secret in ("BEGIN HIDDEN TESTS", "hidden.test(", "import autograder", "from autograder", "HiddenTests",
                   "MUTANTS", "CORRECT = [", "Reference("):
        assert secret not in text, secret
    other = [n for n in ASSIGNMENTS if n != name]
    assert not any(n in names_ for n in other for names_ in names)


@pytest.fixture()
def release_copy(tmp_path):
    release = tmp_path / "release"
    shutil.copytree(REPO / "release" / "regularization", release / "regularization")
    return release


def test_a_solution_in_the_release_stops_the_zip(release_copy, tmp_path):
    notebook = release_copy / "regularization" / "Regularization.ipynb"
    original = notebook.read_text()
    # A stub put back to its solution line: short, but a solution region holds stubs only.
    planted = original.replace('"    A1 = None  # Step 3', '"    A1 = A1 * D1  # Step 3', 1)
    assert planted != original
    notebook.write_text(planted)
    with pytest.raises(errors.LeakError, match=r"regularization/Regularization.ipynb, cell \d+, line \d+: 'A1 = A1 "
                                               r"\* D1' is left between START and END CODE HERE of "
                                               "forward_propagation_with_dropout"):
        dist.build("regularization", release=release_copy, dist=tmp_path / "dist")
    # Another assignment's solution line, in a cell of its own, renamed: checked against every assignment.
    content = json.loads(original)
    content["cells"].append(nbformat.v4.new_code_cell("gradient = plain + (reg / n) * np.sign(weights)"))
    notebook.write_text(json.dumps(content))
    with pytest.raises(errors.LeakError, match=r"matches a line of the solution of backward_propagation_with_l1 "
                                               r"\(tuning\)"):
        dist.build("regularization", release=release_copy, dist=tmp_path / "dist")
    assert not (tmp_path / "dist" / "regularization.zip").exists()


def test_private_files_and_grader_code_stop_the_zip(release_copy, tmp_path):
    folder = release_copy / "regularization"
    (folder / "hidden_tests.py").write_text("x = 1\n")
    with pytest.raises(errors.LeakError, match="hidden_tests.py must never reach students"):
        dist.build("regularization", release=release_copy, dist=tmp_path)
    (folder / "hidden_tests.py").unlink()
    (folder / "extra.py").write_text("from autograder import hidden\n")
    with pytest.raises(errors.LeakError, match="extra.py holds grader or hidden-test code"):
        dist.build("regularization", release=release_copy, dist=tmp_path)
