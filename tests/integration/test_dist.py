"""`make dist`: one zip per assignment, the release folder only, with no solution and no grader code."""

import shutil
import zipfile

import pytest
from conftest import ASSIGNMENTS, REPO

from autograder import assignments, errors
from tools import dist


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
        assert all((info.external_attr >> 16) & 0o777 == 0o644 for info in archive.infolist())
        text = "\n".join(archive.read(member).decode("utf-8", errors="ignore") for member in names)
    solutions = dist.solution_lines(assignments.load(name))
    assert solutions, "the solution lines to look for were not found"
    code = {line.split("#", 1)[0].strip() for line in text.splitlines()}
    assert not solutions & code
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


def test_a_solution_line_in_the_release_stops_the_zip(release_copy, tmp_path):
    notebook = release_copy / "regularization" / "Regularization.ipynb"
    line = sorted(dist.solution_lines(assignments.load("regularization")))[0]
    planted = notebook.read_text().replace('"    ### END CODE HERE ###',
                                           f'"    {line}\\n",\n    "    ### END CODE HERE ###', 1)
    notebook.write_text(planted)
    with pytest.raises(errors.LeakError, match="line\\(s\\) of the instructor's solution"):
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
