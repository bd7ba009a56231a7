"""Hostile and broken submissions, all graded in one run of the command line beside normal ones.

Each hostile cell replaces the first graded function's cell. Cells that probe a
protection compute the right cost only when the probe fails: full marks prove
that the protection held. Every other function of every student must keep full
marks, the grader must finish, and nothing but its own outputs may be written.
"""

import json
import os
import socket
import subprocess
import sys
import threading

import nbformat
import pytest

from autograder import sandbox
from conftest import GRADED_FUNCTIONS, REPO, SOURCE_NOTEBOOK
from mutants import submission

RELEASE_NOTEBOOK = REPO / "release" / "regularization" / "Regularization.ipynb"
PROTECTIONS = sandbox.probe()
FIRST = GRADED_FUNCTIONS[0]
SIGNATURE = f"def {FIRST}(A3, Y, parameters, lambd):\n"
RIGHT = ("    m = Y.shape[1]\n"
         "    return compute_cost(A3, Y) + lambd / (2 * m) * sum(np.sum(np.square(parameters[k])) "
         "for k in ('W1', 'W2', 'W3'))\n")


def probing(probe):
    """A right function that raises first if the probe (code that must fail in the sandbox) succeeds."""
    body = "".join(f"        {line}\n" for line in probe.splitlines())
    return (f"import numpy as np\n{SIGNATURE}    try:\n{body}    except Exception:\n        pass\n"
            f"    else:\n        raise RuntimeError('the probe succeeded')\n{RIGHT}")


def wrong(body):
    return f"import numpy as np\n{SIGNATURE}" + "".join(f"    {line}\n" for line in body.splitlines())


# (student, cell of the first graded function, expected score of that function, fragment of its message)
HOSTILE = [
    ("infinite-loop", wrong("while True:\n    pass"), 0, "did not finish within"),
    ("memory-hog", wrong("blocks = []\nwhile True:\n    blocks.append(np.ones(10**7))"), 0, "MemoryError"),
    ("fork-bomb", "import os\n" + wrong("while True:\n    os.fork()"), 0, "BlockingIOError"),
    ("sys-exit", "import sys\n" + wrong("sys.exit(0)"), 0, "raised SystemExit"),
    ("os-exit", "import os\n" + wrong("os._exit(0)"), 0, "stopped before answering"),
    ("kill-self", "import os\n" + wrong("os.kill(os.getpid(), 9)"), 0, "killed by signal 9"),
    ("segfault", "import ctypes\n" + wrong("ctypes.string_at(0)"), 0, "killed by signal 11"),
    ("recursion", wrong("return compute_cost_with_regularization(A3, Y, parameters, lambd)"), 0, "RecursionError"),
    ("prints-100MB", wrong("print('x' * 10**8)\nreturn 0.0"), 0, "File too large"),
    ("patch-allclose", "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
     "np.testing.assert_allclose = lambda *a, **k: None\n" + wrong("return 0.0"), 0, "cost has wrong values"),
    ("patch-builtins", "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
     + wrong("return 0.0"), 0, "cost has wrong values"),
    ("float-subclass", "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
     + wrong("return Anything(0.0)"), 0, "returned <a Anything>"),
    ("ndarray-subclass", "import numpy as np\nclass Anything(np.ndarray):\n    def __eq__(self, other):\n"
     "        return True\n" + wrong("return np.zeros(1).view(Anything)"), 0, "returned <a Anything>"),
    ("nan", wrong("return float('nan')"), 0, "NaN or infinity"),
    ("inf", wrong("return np.inf"), 0, "NaN or infinity"),
    ("object-array", wrong("return np.array([1.0, 'a'], dtype=object)"), 0, "dtype object"),
    ("huge-array", wrong("return np.zeros(10**8)"), 0, "100000000 elements"),
    ("fake-output", wrong("print('All tests passed.')\nprint('{\"score\": 10, \"max_score\": 10}')\nreturn 0.0"),
     0, "cost has wrong values"),
    ("missing-module", "import module_that_does_not_exist\n" + wrong("return 0.0"), 0, "ModuleNotFoundError"),
    ("wrong-signature", wrong("return 0.0").replace(", lambd)", ")"), 0, "takes 3 positional arguments"),
    ("trains-for-minutes", "import time\ntime.sleep(600)\n" + probing("raise ValueError"), 2, "passes all"),
    ("network", probing("import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"), 2, "passes all"),
    ("read-gradebook", probing("assert open('{course}/gradebook.db', 'rb').read(16) == b'SQLite format 3\\x00'"),
     2, "passes all"),
    ("list-source", probing("assert os.listdir('{repo}/source')").replace("import numpy", "import os\nimport numpy"),
     2, "passes all"),
    ("read-hidden-tests", probing("open('{repo}/autograder/regularization.py').read()"), 2, "passes all"),
    ("read-others", probing("open('{course}/submitted/normal/regularization/Regularization.ipynb').read()"),
     2, "passes all"),
    ("write-results", probing("import json\nos.makedirs('{course}/autograded/write-results/regularization', exist_ok=True)\n"
                              "json.dump({'score': 10}, open('{course}/autograded/write-results/regularization/"
                              "results.json', 'w'))").replace("import numpy", "import os\nimport numpy"), 2, "passes all"),
    ("write-grades", probing("open('{course}/grades.csv', 'a').write('forged,regularization,total,10,10\\n')"),
     2, "passes all"),
    ("write-gradebook", probing("open('{course}/gradebook.db', 'ab').write(b'garbage')"), 2, "passes all"),
]


def edit_first_cell(notebook, cell):
    graded = next(c for c in notebook.cells if c.source.startswith(f"# GRADED FUNCTION: {FIRST}"))
    graded.source = f"# GRADED FUNCTION: {FIRST}\n\n{cell}"
    return notebook


def submit_notebook(course, student, notebook):
    folder = course / "submitted" / student / "regularization"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "Regularization.ipynb")
    return folder


def submit_bytes(course, student, data):
    folder = course / "submitted" / student / "regularization"
    folder.mkdir(parents=True)
    (folder / "Regularization.ipynb").write_bytes(data)
    return folder


def snapshot(course):
    """Every file of the course directory outside the grader's outputs, with its content."""
    allowed = ("autograded", "feedback", "grades.csv", "gradebook.db")
    return {p: p.read_bytes() for p in course.rglob("*")
            if p.is_file() and p.relative_to(course).parts[0] not in allowed}


@pytest.fixture(scope="module")
def server():
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory, server):
    port, _ = server
    course = tmp_path_factory.mktemp("hostile")
    complete = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
    submit_notebook(course, "normal", complete)
    for student, cell, _, _ in HOSTILE:
        cell = cell.replace("{port}", str(port)).replace("{course}", str(course)).replace("{repo}", str(REPO))
        submit_notebook(course, student, edit_first_cell(submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK), cell))
    # Breakage in the notebook itself.
    notebook = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
    text = nbformat.writes(notebook).encode()
    submit_bytes(course, "not-utf8", text.replace(b"Regularization", b"Regulari\xff\xfeation", 1))
    submit_bytes(course, "truncated", text[: len(text) // 2])
    submit_bytes(course, "empty", b"")
    submit_bytes(course, "no-cells", nbformat.writes(nbformat.v4.new_notebook()).encode())
    submit_bytes(course, "not-a-notebook", b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    with (submit_bytes(course, "huge", b"") / "Regularization.ipynb").open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB without writing them
    deleted = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
    deleted.cells = [c for c in deleted.cells if not c.source.startswith(f"# GRADED FUNCTION: {FIRST}")]
    submit_notebook(course, "cell-deleted", deleted)
    duplicated = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
    index = next(i for i, c in enumerate(duplicated.cells) if c.source.startswith(f"# GRADED FUNCTION: {FIRST}"))
    wrong_copy = nbformat.v4.new_code_cell(f"# GRADED FUNCTION: {FIRST}\n\n{wrong('return 0.0')}")
    duplicated.cells.insert(index, wrong_copy)
    submit_notebook(course, "cell-duplicated", duplicated)
    tests_edited = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
    tests_edited.cells = [c for c in tests_edited.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    submit_notebook(course, "tests-deleted", tests_edited)
    (submit_notebook(course, "extra-file", complete) / "notes.txt").write_text("an unexpected file")

    before = snapshot(course)
    repo_before = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                             str(course), "--timeout", "5"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(course) == before, "the run wrote outside autograded/, feedback/, grades.csv and gradebook.db"
    assert subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True,
                          text=True).stdout == repo_before
    return course, result.stdout


def items(course, student):
    document = json.loads((course / "autograded" / student / "regularization" / "results.json").read_text())
    return {item["name"]: item for item in document["items"]}


def test_the_normal_student_is_graded_normally(hostile_class):
    course, _ = hostile_class
    assert all(item["score"] == item["max_score"] for item in items(course, "normal").values())


NEEDS = {"network": "network", "memory-hog": "limits", "prints-100MB": "limits", "fork-bomb": "unprivileged",
         **{student: "hidden_files" for student in ("read-gradebook", "list-source", "read-hidden-tests",
                                                    "read-others", "write-results", "write-grades",
                                                    "write-gradebook")}}


@pytest.mark.parametrize("student, score, fragment", [(s, score, f) for s, _, score, f in HOSTILE],
                         ids=[s for s, *_ in HOSTILE])
def test_hostile_function_costs_only_itself(hostile_class, student, score, fragment):
    course, _ = hostile_class
    status = PROTECTIONS.get(NEEDS.get(student), "active")
    if status != "active":
        pytest.skip(f"this machine lacks the protection this case needs ({status}); `doctor` reports it")
    graded = items(course, student)
    messages = "\n".join(graded[FIRST]["messages"])
    assert graded[FIRST]["score"] == score, messages
    assert fragment in messages
    for name in GRADED_FUNCTIONS[1:]:
        assert graded[name]["score"] == graded[name]["max_score"], (name, graded[name]["messages"])


def test_the_server_saw_no_connection(hostile_class, server):
    _, accepted = server
    assert accepted == []


def test_forged_files_were_not_written(hostile_class):
    course, _ = hostile_class
    assert items(course, "write-results")[FIRST]["score"] == 2  # the grader's own results.json
    assert "forged" not in (course / "grades.csv").read_text()


@pytest.mark.parametrize("student, fragment", [
    ("not-utf8", "could not be read as a notebook"),
    ("truncated", "could not be read as a notebook"),
    ("empty", "could not be read as a notebook"),
    ("not-a-notebook", "could not be read as a notebook"),
    ("huge", "200 MB, more than any submission needs"),
    ("no-cells", "no cell starts with '# GRADED FUNCTION: "),
])
def test_unreadable_notebooks_score_zero_with_a_message(hostile_class, student, fragment):
    course, _ = hostile_class
    for item in items(course, student).values():
        assert item["score"] == 0 and fragment in "\n".join(item["messages"])


def test_cell_deleted_duplicated_tests_deleted_extra_file(hostile_class):
    course, _ = hostile_class
    deleted = items(course, "cell-deleted")
    assert deleted[FIRST]["score"] == 0 and "no cell starts with" in deleted[FIRST]["messages"][0]
    duplicated = items(course, "cell-duplicated")[FIRST]
    assert duplicated["score"] == 2 and "2 cells are marked GRADED FUNCTION" in duplicated["messages"][0]
    for student in ("tests-deleted", "extra-file"):
        assert all(item["score"] == item["max_score"] for item in items(course, student).values())
    for student in ("cell-deleted", "cell-duplicated"):
        graded = items(course, student)
        assert all(graded[name]["score"] == graded[name]["max_score"] for name in GRADED_FUNCTIONS[1:])


def test_the_run_reports_its_protections(hostile_class):
    _, output = hostile_class
    assert output.startswith("No gradebook at") and "Protections for student code:" in output
    for description in sandbox.PROTECTIONS.values():
        assert description in output


def test_doctor_reports_the_same_protections():
    result = subprocess.run([sys.executable, "-m", "autograder", "doctor"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1:] == sandbox.describe(sandbox.probe()).splitlines()


def test_a_damaged_gradebook_is_refused_and_left_alone(tmp_path):
    submit_notebook(tmp_path, "normal", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK))
    (tmp_path / "gradebook.db").write_bytes(b"not a database at all")
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "is not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "gradebook.db").read_bytes() == b"not a database at all"
    assert not (tmp_path / "autograded" / "normal").exists()


def test_a_second_run_on_the_same_course_is_refused(tmp_path):
    import fcntl
    submit_notebook(tmp_path, "normal", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK))
    (tmp_path / "autograded").mkdir()
    with (tmp_path / "autograded" / ".grading.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a run in progress holds it
        result = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                                 str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "another grading run is using" in result.stderr
    assert not (tmp_path / "autograded" / "normal").exists()


def test_grading_works_without_any_protection_and_says_so(tmp_path):
    submit_notebook(tmp_path, "normal", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK))
    environment = {**os.environ, "AUTOGRADER_WITHOUT": ",".join(sandbox.PROTECTIONS)}
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[off]") == len(sandbox.PROTECTIONS)
    assert "turned off by AUTOGRADER_WITHOUT" in result.stdout
    assert all(item["score"] == item["max_score"] for item in items(tmp_path, "normal").values())


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can start processes as the sandbox's uid")
def test_leftovers_are_killed_even_in_a_session_of_their_own_and_not_dumpable():
    import ctypes
    import signal
    import time

    pid = os.fork()
    if pid == 0:  # what an escaped child of student code looks like
        try:
            os.setsid()
            os.setgid(sandbox.SANDBOX_ID)
            os.setuid(sandbox.SANDBOX_ID)
            ctypes.CDLL(None).prctl(4, 0)  # PR_SET_DUMPABLE: 0
            time.sleep(60)
        finally:
            os._exit(0)
    time.sleep(0.2)
    assert sandbox._sandbox_processes() == [pid]
    sandbox.kill_leftovers()
    assert os.waitpid(pid, 0) == (pid, signal.SIGKILL)
    assert sandbox._sandbox_processes() == []
