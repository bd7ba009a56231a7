"""Grading many submissions at a time: --jobs on this machine, --scheduler on a Dask cluster.

The same class is graded with --jobs 1, --jobs 2 and on a local Dask cluster;
the results must be the same. Tasks whose process dies are retried once, then
reported as failed (a stand-in for grade_task kills its own process).
"""

import csv
import json
import os
import shutil
import sqlite3

import conftest
import dask
import nbformat
import pytest
from conftest import REGULARIZATION, SOURCE_NOTEBOOK, release_notebook
from distributed import LocalCluster

from autograder import assignments, batch
from tools.variants import submission

RELEASE_NOTEBOOK = release_notebook(REGULARIZATION)
MUTANTS = assignments.module("regularization", "mutants").MUTANTS
CORRECT = assignments.module("regularization", "mutants").CORRECT


def grade(course, *args):
    return conftest.grade(course, "regularization", *args)


def outcome(course):
    """Everything a run wrote that does not depend on when it ran: results, grades.csv, gradebook scores."""
    written = {str(path.relative_to(course)): json.loads(path.read_text())
               for path in sorted((course / "autograded").rglob("results.json"))}
    written["grades.csv"] = sorted(map(tuple, csv.reader((course / "grades.csv").open())))
    with sqlite3.connect(course / "gradebook.db") as database:
        written["gradebook"] = sorted(database.execute(
            "SELECT student.id, base_cell.name, grade.auto_score FROM grade "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
            "JOIN student ON submitted_assignment.student_id = student.id "
            "JOIN base_cell ON grade.cell_id = base_cell.id").fetchall())
    return written


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A class of 20: the solution, the untouched release, 14 mutants, 4 correct variants."""
    course = tmp_path_factory.mktemp("class")
    notebooks = {"solution": submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK),
                 "release": submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, filled=False)}
    notebooks |= {f"mutant-{n:02d}": submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [v])
                  for n, v in enumerate(MUTANTS[::len(MUTANTS) // 14][:14])}
    notebooks |= {f"correct-{n}": submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [v])
                  for n, v in enumerate(CORRECT[:4])}
    for student, notebook in notebooks.items():
        folder = course / "submitted" / student / "regularization"
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / "Regularization.ipynb")
    return course


def graded_copy(course, tmp_path, *args):
    copy = tmp_path / "copy"
    shutil.copytree(course / "submitted", copy / "submitted")
    result = grade(copy, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    return copy, result


@pytest.fixture(scope="module")
def one_at_a_time(course):
    result = grade(course, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "Graded 20 submission(s) of regularization, 0 failed, in " in result.stdout
    assert "(this process)" in result.stdout
    return outcome(course)


@pytest.fixture(scope="module")
def cluster():
    # A task that kills its worker fails at once (the scheduler's own retries would take longer).
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


def test_two_processes_grade_exactly_as_one(course, one_at_a_time, tmp_path):
    copy, result = graded_copy(course, tmp_path, "--jobs", "2")
    assert "(2 processes)" in result.stdout
    assert outcome(copy) == one_at_a_time
    scores = {key: value["score"] for key, value in one_at_a_time.items() if key.endswith("results.json")}
    assert len(scores) == 20 and len(set(scores.values())) > 2  # a class with varied scores, not all zeros


def test_a_dask_cluster_grades_exactly_as_one_process(course, one_at_a_time, cluster, tmp_path):
    copy, result = graded_copy(course, tmp_path, "--scheduler", cluster.scheduler_address)
    assert f"(the Dask cluster at {cluster.scheduler_address})" in result.stdout
    assert "Protections for student code" in result.stdout
    assert outcome(copy) == one_at_a_time


def dying_task(assignment_name, task, timeout, unsafe):
    """Stands in for grade_task: 'doomed' kills its process every time, 'flaky' the first time only.

    The folder for its markers travels in the notebook's bytes.
    """
    marker = task.data.decode() + f"/{task.student_id}.died"
    if task.student_id == "doomed" or (task.student_id == "flaky" and not os.path.exists(marker)):
        open(marker, "w").close()
        os._exit(1)
    return batch.Graded(task.student_id, [], 0.0, {}, 0)


def grade_with_dying_tasks(pool, tmp_path):
    tasks = [batch.Task(student, str(tmp_path).encode()) for student in ("ada", "doomed", "flaky", "ben")]
    return {task.student_id: (result, error)
            for task, result, error in pool.grade("regularization", tasks, 1.0)}


@pytest.mark.parametrize("where", ["processes", "dask"])
def test_a_task_whose_process_dies_is_retried_then_reported(where, tmp_path, monkeypatch, request):
    monkeypatch.setattr(batch, "grade_task", dying_task)
    if where == "processes":
        pool = batch.Pool(jobs=2)
    else:
        pool = batch.Pool(scheduler=request.getfixturevalue("cluster").scheduler_address)
    with pool:
        outcomes = grade_with_dying_tasks(pool, tmp_path)
        if pool.client is not None:
            pool.client.wait_for_workers(2, timeout=60)  # closing a cluster while it restarts a worker fails
    assert sorted(outcomes) == ["ada", "ben", "doomed", "flaky"]  # none lost
    for student in ("ada", "ben", "flaky"):
        result, error = outcomes[student]
        assert error is None and result.student_id == student
    result, error = outcomes["doomed"]
    assert result is None
    assert batch.failure_reason(error) == "the process grading it died in each of 2 attempts"


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "give --jobs or --scheduler, not both"),
    (["--scheduler", "tcp://127.0.0.1:1"], "cannot reach a Dask scheduler at tcp://127.0.0.1:1"),
])
def test_usage_errors_say_what_to_do_and_change_nothing(course, tmp_path, args, message, monkeypatch):
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "1s")
    copy = tmp_path / "copy"
    shutil.copytree(course / "submitted", copy / "submitted")
    result = grade(copy, *args)
    assert result.returncode == 2 and message in result.stderr
    assert not (copy / "gradebook.db").exists() and not (copy / "grades.csv").exists()
