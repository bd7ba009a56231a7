"""The gradebook on a PostgreSQL server (started by .ci/run on 127.0.0.1; skipped without one)."""

import csv
import os
import subprocess
import sys

import nbformat
import pytest
import sqlalchemy
from conftest import REGULARIZATION, REPO, SOURCE_NOTEBOOK, release_notebook

from autograder import assignments
from tools.release import run_nbgrader
from tools.variants import submission

URL = os.environ.get("GRADER_TEST_POSTGRES_URL")
RELEASE_NOTEBOOK = release_notebook(REGULARIZATION)
MUTANTS = assignments.module("regularization", "mutants").MUTANTS

needs_server = pytest.mark.skipif(not URL, reason="no PostgreSQL server: .ci/run starts one with .ci/postgres "
                                                "and sets GRADER_TEST_POSTGRES_URL")


@pytest.fixture
def empty_database():
    engine = sqlalchemy.create_engine(URL)
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE"))
            connection.execute(sqlalchemy.text("CREATE SCHEMA public"))
    except sqlalchemy.exc.OperationalError as error:
        pytest.skip(f"the PostgreSQL server at GRADER_TEST_POSTGRES_URL does not answer: {error.orig}")
    finally:
        engine.dispose()
    return URL


@needs_server
def test_grading_into_postgresql_matches_nbgrader_export(tmp_path, empty_database):
    for student, variants in (("ada", []), ("ben", [MUTANTS[1]])):
        folder = tmp_path / "submitted" / student / "regularization"
        folder.mkdir(parents=True)
        nbformat.write(submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, variants), folder / "Regularization.ipynb")
    command = [sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir", str(tmp_path), "--quiet"]
    for _ in range(2):  # the second run updates the same rows; the URL (with its password) never on a command line
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                                env={**os.environ, "AUTOGRADER_DB_URL": empty_database})
        assert result.returncode == 0, result.stderr
    assert not (tmp_path / "gradebook.db").exists()
    exported = tmp_path / "export.csv"
    result = run_nbgrader(["export", "--to", str(exported), f"--CourseDirectory.db_url={empty_database}"],
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {row["student_id"]: float(row["score"]) for row in csv.DictReader(exported.open())} == \
        {"ada": 10.0, "ben": 8.0}
    engine = sqlalchemy.create_engine(URL)
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM submitted_assignment")).scalar() == 2
    engine.dispose()


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "regularization"
    folder.mkdir(parents=True)
    nbformat.write(submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK), folder / "Regularization.ipynb")
    url_file = tmp_path / "db-url"
    url_file.write_text("postgresql://grader:secret@127.0.0.1:1/none\n")
    url_file.chmod(0o600)
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                             str(tmp_path), "--db-file", str(url_file)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "cannot use the gradebook at postgresql://grader:***@127.0.0.1:1/none" \
        in result.stderr and "secret" not in result.stderr and "Traceback" not in result.stderr
