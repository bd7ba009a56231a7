"""An attack corpus: hostile and broken submissions graded in one mixed class beside honest students.

Every class of attack on the grader has submissions here: reading what the sandbox must not hold
(the kit, its .git, other courses, system files), escaping the time limit (leaving the process group,
stopping the worker), reaching the gradebook (its files, its journal, a database server), costly
notebooks (IPython magics), resources (memory over several processes, fork bombs, files left in /tmp
and /dev/shm), checks that raise, symbolic links, and privileges (setuid programs, other processes).

A cell that probes a protection computes the right cost only when the probe fails: full marks prove
that the protection held. The class is graded four ways: as the user running the tests (root in CI) and as
an unprivileged user, in the namespace layer; then, in the layer without namespaces, as root with Docker's
default capabilities and as an unprivileged user (--jobs 1), both under a seccomp filter that denies
namespaces as a container's profile does (tools.container_like). Each time the honest students must get
exactly what they get when graded alone, the grader must finish, and it may write only its outputs.
"""

import csv
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest
from conftest import GRADED_FUNCTIONS, REGULARIZATION, REPO, SOURCE_NOTEBOOK, release_notebook, submit

from autograder import cgroups, sandbox
from autograder.inside import landlock
from tools import container_like
from tools.variants import Variant, submission

pytestmark = pytest.mark.serial  # it checks that no sandbox process is left on the machine

RELEASE_NOTEBOOK = release_notebook(REGULARIZATION)
FIRST = GRADED_FUNCTIONS[0]
SIGNATURE = f"def {FIRST}(A3, Y, parameters, lambd):\n"
RIGHT = ("    m = Y.shape[1]\n"
         "    return compute_cost(A3, Y) + lambd / (2 * m) * sum(np.sum(np.square(parameters[k])) "
         "for k in ('W1', 'W2', 'W3'))\n")
MARKER = "hostile-leftover"  # files the attacks leave in /tmp, /var/tmp and /dev/shm
UNPRIVILEGED_UID = container_like.USER_UID
TIMEOUT = "10"


def probing(probe, imports="import os\nimport sys\n"):
    """A right function that raises first if the probe (code that must fail in the sandbox) succeeds."""
    body = "".join(f"        {line}\n" for line in probe.splitlines())
    return (f"import numpy as np\n{imports}{SIGNATURE}    try:\n{body}    except Exception:\n        pass\n"
            f"    else:\n        raise RuntimeError('the probe succeeded')\n{RIGHT}")


def wrong(body, imports="import os\n"):
    return f"import numpy as np\n{imports}{SIGNATURE}" + "".join(f"    {line}\n" for line in body.splitlines())


def right_after(body, imports="import os\nimport time\nimport signal\n"):
    """A right function that first runs body (which must not stop it)."""
    return wrong(body, imports) + RIGHT


def held(probe, imports="import os\nimport sys\n"):
    """An attack that a protection holds: full marks and the function's own message."""
    return probing(probe, imports), 2, "passes all"


# (student, cell of the first graded function, expected score of that function, fragment of its message)
ATTACKS = [
    # Limits and crashes cost only the function.
    ("infinite-loop", wrong("while True:\n    pass"), 0, "did not finish within"),
    # memory-hog asks for address space only (no page is touched): its message does not depend on the machine's speed.
    ("memory-hog", wrong("blocks = []\nwhile True:\n    blocks.append(np.empty(10**8))"), 0, "MemoryError"),
    ("fork-bomb", wrong("while True:\n    os.fork()"), 0, "BlockingIOError"),
    ("sys-exit", wrong("sys.exit(0)", "import sys\n"), 0, "raised SystemExit"),
    ("os-exit", wrong("os._exit(0)"), 0, "stopped before answering"),
    ("kill-self", wrong("os.kill(os.getpid(), 9)"), 0, "killed by signal 9"),
    ("segfault", wrong("ctypes.string_at(0)", "import ctypes\n"), 0, "killed by signal 11"),
    ("recursion", wrong(f"return {FIRST}(A3, Y, parameters, lambd)"), 0, "RecursionError"),
    ("prints-100MB", wrong("print('x' * 10**8)\nreturn 0.0"), 0, "File too large"),
    ("trains-for-minutes", "import time\ntime.sleep(600)\n" + probing("raise ValueError"), 2, "passes all"),
    # Answers that only look right.
    ("patch-allclose", "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
     "np.testing.assert_allclose = lambda *a, **k: None\n" + wrong("return 0.0"), 0, "cost has wrong values"),
    ("patch-builtins", "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
     + wrong("return 0.0"), 0, "cost has wrong values"),
    ("float-subclass", "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
     + wrong("return Anything(0.0)"), 0, "returned <a Anything>"),
    ("ndarray-subclass", "import numpy as np\nclass Anything(np.ndarray):\n    def __eq__(self, other):\n"
     "        return True\n" + wrong("return np.zeros(1).view(Anything)"), 0, "returned <a Anything>"),
    ("nan", wrong("return float('nan')"), 0, "NaN or infinity"),
    ("object-array", wrong("return np.array([1.0, 'a'], dtype=object)"), 0, "dtype object"),
    ("huge-array", wrong("return np.zeros(10**8)"), 0, "100000000 elements"),
    ("fake-output", wrong("print('All tests passed.')\nprint('{\"score\": 10, \"max_score\": 10}')\nreturn 0.0"),
     0, "cost has wrong values"),
    ("nested-response", wrong("open('response.json', 'w').write('{\"calls\": ' + '[' * 100000 + ']' * 100000 + '}')"
                              "\nos._exit(0)"), 0, "could not be read"),
    ("response-link", wrong("os.symlink('/proc/self/pagemap', 'response.json')\nos._exit(0)"), 0,
     "stopped before answering"),
    ("missing-module", "import module_that_does_not_exist\n" + wrong("return 0.0"), 0, "ModuleNotFoundError"),
    ("wrong-signature", wrong("return 0.0").replace(", lambd)", ")"), 0, "takes 3 positional arguments"),
    # 1. The allow-list: nothing of the kit, the course or the system is there to read.
    ("git-show-solution", *held("import subprocess\nsubprocess.run(['git', '--git-dir', '{repo}/.git', 'show', "
                                "'HEAD:source/regularization/Regularization.ipynb'], check=True)")),
    ("read-kit-git", *held("open('{repo}/.git/HEAD').read()")),
    ("kit-from-sys-modules", *held(
        "roots = {os.path.dirname(os.path.dirname(m.__file__)) for m in list(sys.modules.values())\n"
        "         if isinstance(getattr(m, '__file__', None), str)}\n"
        "assert any(os.path.exists(os.path.join(r, 'source', 'regularization', 'hidden_tests.py'))\n"
        "           or os.path.exists(os.path.join(r, 'source')) for r in roots)")),
    ("list-kit", *held("assert os.listdir('{repo}')")),
    ("find-kit-anywhere", *held(
        "found = []\nfor top, folders, files in os.walk('/'):\n"
        "    if top.startswith(('/proc', '/dev', '/usr')):\n        folders[:] = []\n"
        "    found += [os.path.join(top, f) for f in files + folders\n"
        "              if f in ('hidden_tests.py', 'Regularization.ipynb', '.git')]\n"
        "assert found")),
    ("read-build", *held("open('{repo}/build/Regularization.ipynb').read()")),
    ("read-hidden-tests", *held("open('{repo}/source/regularization/hidden_tests.py').read()")),
    ("read-source", *held("open('{repo}/source/regularization/Regularization.ipynb').read()")),
    ("other-kit-copy", *held("open('{elsewhere}/kit-copy/source/regularization/hidden_tests.py').read()")),
    ("other-course", *held("assert os.listdir('{elsewhere}/other-course')")),
    ("read-others", *held("open('{course}/submitted/normal/regularization/Regularization.ipynb').read()")),
    ("etc-shadow", *held("open('/etc/shadow').read()")),
    ("etc-passwd", *held("open('/etc/passwd').read()")),
    ("root-home", *held("open('/root/.bashrc').read()")),
    # 3 and 6. The gradebook: its files, its journal, its server, its URL.
    ("read-gradebook", *held("assert open('{course}/gradebook.db', 'rb').read(16) == b'SQLite format 3\\x00'")),
    ("read-journal", *held("open('{course}/gradebook.db-journal', 'rb').read()")),
    ("list-course", *held("assert os.listdir('{course}')")),
    ("write-results", *held("assert os.path.exists('{course}/submitted/normal')\n"
                            "os.makedirs('{course}/autograded/write-results/regularization', exist_ok=True)\n"
                            "open('{course}/autograded/write-results/regularization/results.json', 'w')"
                            ".write('{{\"score\": 10}}')")),
    ("write-grades", *held("open('{course}/grades.csv', 'a').write('forged,regularization,total,10,10\\n')")),
    ("write-gradebook", *held("open('{course}/gradebook.db', 'ab').write(b'garbage')")),
    ("network", *held("import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)")),
    ("postgres-tcp", *held("import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=2)")),
    ("postgres-socket", *held(
        "import socket, glob\n"
        "paths = glob.glob('/var/run/postgresql/.s.PGSQL.*') + glob.glob('/run/postgresql/.s.PGSQL.*')"
        " + glob.glob('/tmp/.s.PGSQL.*')\n"
        "client = socket.socket(socket.AF_UNIX)\nclient.connect(paths[0])")),
    ("postgres-client", *held("import psycopg\npsycopg.connect('dbname=postgres user=postgres connect_timeout=2')")),
    ("cmdline-secrets", *held(
        "texts = [open(f'/proc/{{p}}/cmdline', 'rb').read() for p in os.listdir('/proc') if p.isdigit()]\n"
        "assert any(b'autograder grade' in t.replace(b'\\0', b' ') or b'postgresql://' in t for t in texts)")),
    ("other-processes", *held("assert sum(p.isdigit() for p in os.listdir('/proc')) > 4")),
    # 12. Privileges.
    ("no-new-privs", *held("assert open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0] == '0'")),
    ("capabilities", *held("assert int(open('/proc/self/status').read().split('CapEff:')[1].split()[0], 16)")),
    ("setuid-program", *held("import subprocess\nsubprocess.run(['/usr/bin/sudo', '-n', 'true'], check=True)")),
    ("user-namespace", *held("import ctypes\nassert ctypes.CDLL(None).unshare(0x10000000) == 0")),
    ("other-cases-in-memory", *held(
        "import gc\nassert any(type(o) is dict and o.get('function') not in (None, '" + FIRST + "')\n"
        "           and 'cases' in o for o in gc.get_objects())")),
    # 2. Escaping the time limit: left behind, in the worker's group, in a session of its own; stopping it.
    ("leave-group", right_after("group = os.getpgid(os.getppid())\nif os.fork() == 0:\n    os.setpgid(0, group)\n"
                                "    time.sleep(3600)\n    os._exit(0)"), 2, "passes all"),
    ("daemon", right_after("if os.fork() == 0:\n    os.setsid()\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                           "    if os.fork() == 0:\n        while True:\n            pass\n    os._exit(0)"),
     2, "passes all"),
    # 4. A cell that is costly to read.
    ("magics-200", "\n".join(["%time x = 1"] * 200) + "\n" + probing("raise ValueError"), 2, "passes all"),
    # Magics are blanked out in linear time (IPython's transformer takes seconds on a few hundred): the same verdict
    # on any machine, however busy.
    ("magics-600", "\n".join(["%time x = 1"] * 600) + "\n" + probing("raise ValueError"), 2, "passes all"),
    ("magics-5000", "\n".join(["%time x = 1"] * 5000) + "\n" + probing("raise ValueError"), 2, "passes all"),
    ("magic-in-the-function", probing("raise ValueError").replace("    try:\n", "    %time x = 1\n    try:\n", 1), 2,
     "passes all"),
    ("one-magic", "%matplotlib inline\n" + probing("raise ValueError"), 2, "passes all"),
    # 5. Resources.
    ("leave-files", right_after(f"for folder in ('/tmp', '/var/tmp', '/dev/shm'):\n"
                                f"    try:\n        open(folder + '/{MARKER}', 'w').write('x')\n"
                                "    except OSError:\n        pass"), 2, "passes all"),
    ("fill-dev-shm", probing("with open('/dev/shm/" + MARKER + "-big', 'wb') as f:\n"
                             "    for _ in range(100):\n        f.write(b'x' * 2**20)"), 2, "passes all"),
    ("memory-in-processes", probing(  # 4 x 600 MB at once, over the submission's 2 GiB: one is killed
        "if getattr(" + FIRST + ", 'tried', False):\n    raise ValueError('once is enough')\n"
        + FIRST + ".tried = True\n"
        "pids, reads = [], []\n"
        "for _ in range(4):\n"
        "    read, write = os.pipe()\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        block = np.ones(600 * 2**20 // 8)\n"
        "        os.write(write, b'1')\n"
        "        import time; time.sleep(30)\n"
        "        os._exit(0)\n"
        "    os.close(write)\n"
        "    pids.append(pid)\n"
        "    reads.append(read)\n"
        "import select\n"
        "ready = [r for r in reads if select.select([r], [], [], 8)[0] and os.read(r, 1) == b'1']\n"
        "alive = [p for p in pids if os.waitpid(p, os.WNOHANG) == (0, 0)]\n"
        "for p in pids:\n"
        "    os.kill(p, 9)\n"
        "assert len(ready) == 4 and len(alive) == 4"), 2, "passes all"),
]
NEEDS_CGROUPS = {"memory-in-processes"}
# The whole submission fails (recorded, never an older grade left standing): its worker is stopped or killed.
FAILING = [
    ("stop-worker", right_after("os.kill(os.getppid(), signal.SIGSTOP)"), "stopped answering"),
    ("kill-worker", right_after("os.kill(os.getppid(), signal.SIGKILL)"), "ended while running"),
]
HONEST = ("normal", "zz-honest", "zz-ben", "zz-dev")  # graded alone too: the mixed run must not change them


def edit_first_cell(notebook, cell):
    graded = next(c for c in notebook.cells if c.source.startswith(f"# GRADED FUNCTION: {FIRST}"))
    graded.source = f"# GRADED FUNCTION: {FIRST}\n\n{cell}"
    return notebook


def submit_notebook(course, student, notebook):
    submit(course, student, REGULARIZATION, notebook)
    return course / "submitted" / student / "regularization"


def submit_bytes(course, student, data):
    folder = course / "submitted" / student / "regularization"
    folder.mkdir(parents=True)
    (folder / "Regularization.ipynb").write_bytes(data)
    return folder


def complete():
    return submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)


def honest(course):
    """The honest students: complete, complete, ben's and dev's example submissions."""
    submit_notebook(course, "normal", complete())
    submit_notebook(course, "zz-honest", complete())
    for student, example in (("zz-ben", "ben"), ("zz-dev", "dev")):
        folder = course / "submitted" / student / "regularization"
        folder.mkdir(parents=True)
        shutil.copy(REPO / "examples" / "submissions" / example / "regularization" / "Regularization.ipynb", folder)


def snapshot(course):
    """Every file of the course directory outside the grader's outputs, with its content."""
    allowed = ("autograded", "feedback", "grades.csv", "gradebook.db")
    return {p: p.read_bytes() for p in course.rglob("*")
            if p.is_file() and not p.is_symlink() and p.relative_to(course).parts[0] not in allowed}


def leftovers():
    return [Path(folder) / name for folder in ("/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(folder)
            for name in os.listdir(folder) if name.startswith(MARKER)]


def sandbox_processes():
    """Live processes of a sandbox uid (the range root's sandboxes use), or of the unprivileged test user."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status)
        except OSError:
            continue
        uid = int(fields["Uid"].split()[0])
        if (sandbox.SANDBOX_UIDS[0] <= uid < sandbox.SANDBOX_UIDS[1] or uid == UNPRIVILEGED_UID) \
                and not fields["State"].strip().startswith("Z"):
            found.append((int(entry), fields["Name"].strip()))
    return found


def grade_command(course, jobs, mode=None):
    """The grading command of a mode (None: as this user; else tools.container_like's) and the descriptors it needs."""
    command = [sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir", str(course),
               "--timeout", TIMEOUT, "--jobs", str(jobs)]
    return (command, ()) if mode is None else container_like.wrap(command, mode)


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
def alone(tmp_path_factory):
    """results.json of the honest students graded by themselves."""
    course = tmp_path_factory.mktemp("alone")
    honest(course)
    result = subprocess.run(grade_command(course, 1)[0], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return {student: items(course, student) for student in HONEST}


# mode: (jobs, how the grader runs (grade_command), the layer it must choose)
# (--jobs 1 runs once, in a container-like setting: that results do not depend on how many run at once is
# test_batch's business; here, that one worker grades a hostile class to the end.)
MODES = {"jobs-2": (2, None, "namespaces"), "unprivileged-user": (2, "user-no-filter", "namespaces"),
         "container-root": (2, "root", "landlock"), "container-user-jobs-1": (1, "user", "landlock")}


@pytest.fixture(scope="module", params=list(MODES))
def hostile_class(request, tmp_path_factory, server):
    jobs, how, layer = MODES[request.param]
    as_user = how in ("user", "user-no-filter")
    if how is not None and (os.geteuid() != 0 or not shutil.which("setpriv")):
        pytest.skip("running the grader as another user, or in a container-like setting, needs root and setpriv")
    if layer == "landlock" and landlock.abi() < 6:
        pytest.skip(f"the layer without namespaces needs Landlock ABI 6 here (this kernel: {landlock.abi()})")
    port, _ = server
    course = tmp_path_factory.mktemp(f"hostile-{request.param}")
    if as_user:  # where that user can reach it: pytest's own folders are private to root
        course = Path(tempfile.mkdtemp(prefix="hostile-as-user-"))
        request.addfinalizer(lambda: shutil.rmtree(course, ignore_errors=True))
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    kit_copy = elsewhere / "kit-copy" / "source" / "regularization"
    kit_copy.mkdir(parents=True)
    (kit_copy / "hidden_tests.py").write_text("# a copy of the hidden tests\n")
    (elsewhere / "other-course").mkdir()
    (elsewhere / "other-course" / "gradebook.db").write_text("another course\n")
    honest(course)
    for student, cell, *_ in ATTACKS + FAILING:
        cell = (cell.replace("{port}", str(port)).replace("{course}", str(course)).replace("{repo}", str(REPO))
                .replace("{elsewhere}", str(elsewhere)).replace("{{", "{").replace("}}", "}"))
        submit_notebook(course, student, edit_first_cell(complete(), cell))
    broken_notebooks(course)
    links(course)
    if as_user:
        subprocess.run(["chown", "-R", f"{UNPRIVILEGED_UID}:{UNPRIVILEGED_UID}", str(course)], check=True)
    for leftover in leftovers():
        leftover.unlink()

    before = snapshot(course)
    untracked = ["git", "ls-files", "--others", "--exclude-standard"]  # files no one has added to the kit
    repo_before = subprocess.run(untracked, cwd=REPO, capture_output=True, text=True).stdout
    command, descriptors = grade_command(course, jobs, how)
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, pass_fds=descriptors)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    assert f"layer: {layer} " in result.stdout, result.stdout + result.stderr
    if layer == "namespaces":  # student code may signal its worker there: those submissions fail, recorded and named
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"{len(FAILING)} submission(s) could not be graded: kill-worker, stop-worker" in result.stderr, \
            result.stderr
    else:  # its worker is outside the child's Landlock domain: the signal is refused
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert snapshot(course) == before, "the run wrote outside autograded/, feedback/, grades.csv and gradebook.db"
    assert subprocess.run(untracked, cwd=REPO, capture_output=True, text=True).stdout == repo_before
    return course, result.stdout, as_user, layer


def broken_notebooks(course):
    text = nbformat.writes(complete()).encode()
    submit_bytes(course, "not-utf8", text.replace(b"Regularization", b"Regulari\xff\xfeation", 1))
    submit_bytes(course, "truncated", text[: len(text) // 2])
    submit_bytes(course, "empty", b"")
    submit_bytes(course, "no-cells", nbformat.writes(nbformat.v4.new_notebook()).encode())
    submit_bytes(course, "not-a-notebook", b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    submit_bytes(course, "deeply-nested", b"[" * 100000 + b"]" * 100000)
    with (submit_bytes(course, "huge", b"") / "Regularization.ipynb").open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB without writing them
    deleted = complete()
    deleted.cells = [c for c in deleted.cells if not c.source.startswith(f"# GRADED FUNCTION: {FIRST}")]
    submit_notebook(course, "cell-deleted", deleted)
    duplicated = complete()
    index = next(i for i, c in enumerate(duplicated.cells) if c.source.startswith(f"# GRADED FUNCTION: {FIRST}"))
    duplicated.cells.insert(index, nbformat.v4.new_code_cell(f"# GRADED FUNCTION: {FIRST}\n\n{wrong('return 0.0')}"))
    submit_notebook(course, "cell-duplicated", duplicated)
    tests_edited = complete()
    tests_edited.cells = [c for c in tests_edited.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    submit_notebook(course, "tests-deleted", tests_edited)
    (submit_notebook(course, "extra-file", complete()) / "notes.txt").write_text("an unexpected file")
    # 9. Checks that raise on what a function returned: that function gets 0, the submission is graded.
    transposed = Variant("forward_propagation_with_dropout", (("return A3, cache", "return A3.T, cache"),))
    submit_notebook(course, "a3-transposed", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [transposed]))
    submit_notebook(course, "=HYPERLINK(\"http:--x\";\"y\")", complete())  # a formula as a student id


def links(course):
    """10. Submissions that are not regular files of the submission folder."""
    normal = course / "submitted" / "normal" / "regularization"
    for student, target in (("link-shadow", Path("/etc/shadow")), ("link-others", normal / "Regularization.ipynb")):
        folder = course / "submitted" / student / "regularization"
        folder.mkdir(parents=True)
        (folder / "Regularization.ipynb").symlink_to(target)
    (course / "submitted" / "folder-link").mkdir()
    (course / "submitted" / "folder-link" / "regularization").symlink_to(normal, target_is_directory=True)
    fifo = course / "submitted" / "fifo" / "regularization"
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / "Regularization.ipynb")
    directory = course / "submitted" / "notebook-is-a-folder" / "regularization" / "Regularization.ipynb"
    directory.mkdir(parents=True)


def document(course, student):
    return json.loads((course / "autograded" / student / "regularization" / "results.json").read_text())


def items(course, student):
    return {item["name"]: item for item in document(course, student)["items"]}


def test_honest_students_get_what_they_get_alone(hostile_class, alone):
    course, _, _, _ = hostile_class
    for student in HONEST:
        assert items(course, student) == alone[student], student
    assert all(item["score"] == item["max_score"] for item in alone["normal"].values())


@pytest.mark.parametrize("student, score, fragment", [(s, score, f) for s, _, score, f in ATTACKS],
                         ids=[s for s, *_ in ATTACKS])
def test_an_attack_costs_only_its_function(hostile_class, student, score, fragment):
    course, _, as_user, _ = hostile_class
    if student in NEEDS_CGROUPS and sandbox.limits_report().startswith("partly") or \
            student in NEEDS_CGROUPS and as_user:
        pytest.skip("without control groups, a submission's processes are limited one by one only (see doctor)")
    graded = items(course, student)
    messages = "\n".join(graded[FIRST]["messages"])
    assert graded[FIRST]["score"] == score, messages
    assert any(part in messages for part in ((fragment,) if isinstance(fragment, str) else fragment)), messages
    for name in GRADED_FUNCTIONS[1:]:
        assert graded[name]["score"] == graded[name]["max_score"], (name, graded[name]["messages"])
    assert document(course, student)["status"] == "graded"


def test_the_server_saw_no_connection(hostile_class, server):
    _, accepted = server
    assert accepted == []


def test_nothing_is_left_running_or_on_disk(hostile_class):
    assert sandbox_processes() == []
    assert leftovers() == []


@pytest.mark.parametrize("student, _, reason", FAILING, ids=[s for s, *_ in FAILING])
def test_a_submission_whose_worker_stops_answering_is_recorded_as_failed(hostile_class, student, _, reason):
    course, _, _, layer = hostile_class
    if layer != "namespaces":  # the worker cannot be signalled: only the function that tried loses its points
        graded = items(course, student)
        assert graded[FIRST]["score"] == 0 and "PermissionError" in "\n".join(graded[FIRST]["messages"])
        assert all(graded[name]["score"] == graded[name]["max_score"] for name in GRADED_FUNCTIONS[1:])
        return
    result = document(course, student)
    assert result["status"] == "failed" and reason in result["reason"]
    assert result["score"] == 0
    rows = [row for row in csv.DictReader((course / "grades.csv").open()) if row["student_id"] == student]
    assert rows and all(row["status"] == "failed" and row["score"] == "0" for row in rows)
    page = (course / "feedback" / student / "regularization" / "Regularization.html").read_text()
    assert "could not be graded" in page


def test_forged_files_were_not_written(hostile_class):
    course, _, _, _ = hostile_class
    assert items(course, "write-results")[FIRST]["score"] == 2  # the grader's own results.json
    assert "forged" not in (course / "grades.csv").read_text()


@pytest.mark.parametrize("student, fragment", [
    ("not-utf8", "could not be read as a notebook"),
    ("truncated", "could not be read as a notebook"),
    ("empty", "could not be read as a notebook"),
    ("not-a-notebook", "could not be read as a notebook"),
    ("deeply-nested", "could not be read as a notebook"),
    ("huge", "200 MB, more than any submission needs"),
    ("no-cells", "no cell starts with '# GRADED FUNCTION: "),
    ("link-shadow", "a symbolic link is not a submission"),
    ("link-others", "a symbolic link is not a submission"),
    ("folder-link", "a symbolic link is not a submission"),
    ("fifo", "is not a regular file"),
    ("notebook-is-a-folder", "is not a regular file"),
])
def test_unreadable_notebooks_score_zero_with_a_message(hostile_class, student, fragment):
    course, _, _, _ = hostile_class
    for item in items(course, student).values():
        assert item["score"] == 0 and fragment in "\n".join(item["messages"]), item["messages"]
    assert "root:" not in (course / "feedback" / student / "regularization" / "Regularization.html").read_text()


def test_cell_deleted_duplicated_tests_deleted_extra_file(hostile_class):
    course, _, _, _ = hostile_class
    deleted = items(course, "cell-deleted")
    assert deleted[FIRST]["score"] == 0 and "no cell starts with" in deleted[FIRST]["messages"][0]
    duplicated = items(course, "cell-duplicated")[FIRST]
    assert duplicated["score"] == 2 and "2 cells are marked GRADED FUNCTION" in duplicated["messages"][0]
    for student in ("tests-deleted", "extra-file"):
        assert all(item["score"] == item["max_score"] for item in items(course, student).values())
    for student in ("cell-deleted", "cell-duplicated"):
        graded = items(course, student)
        assert all(graded[name]["score"] == graded[name]["max_score"] for name in GRADED_FUNCTIONS[1:])


def test_a_check_that_raises_costs_only_that_function(hostile_class):
    course, _, _, _ = hostile_class
    graded = items(course, "a3-transposed")
    assert graded["forward_propagation_with_dropout"]["score"] == 0
    assert graded["forward_propagation_with_dropout"]["messages"]
    assert all(graded[name]["score"] == graded[name]["max_score"]
               for name in GRADED_FUNCTIONS if name != "forward_propagation_with_dropout")


def test_grades_csv_cells_are_not_formulas(hostile_class):
    course, _, _, _ = hostile_class
    for row in csv.reader((course / "grades.csv").open()):
        assert not row[0].startswith(("=", "+", "-", "@")), row
    assert any(row[0] == "'=HYPERLINK(\"http:--x\";\"y\")" for row in csv.reader((course / "grades.csv").open()))


def test_the_run_reports_its_protections(hostile_class):
    _, output, as_user, layer = hostile_class
    assert output.startswith("No gradebook at") and "Protections for student code:" in output
    for description in sandbox.PROTECTIONS.values():
        assert description in output
    assert ("a user namespace of its own" in output) == (as_user and layer == "namespaces")
    assert ("the grader's own uid" in output) == (as_user and layer == "landlock")
    if layer == "landlock":
        assert "namespaces: bubblewrap cannot make its namespaces here" in output
        assert "seccomp filter" in output  # it says why: the container's profile, not a sysctl


# ---------------------------------------------------------------------------
# Without isolation, no grading; and the rest of the grader's promises
# ---------------------------------------------------------------------------

def run_grader(course, *options, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                           str(course), *options], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_without_a_sandbox_grading_is_refused_unless_unsafe(tmp_path):
    submit_notebook(tmp_path, "normal", complete())
    refused = run_grader(tmp_path, env={"AUTOGRADER_WITHOUT": "namespaces,landlock,uid"})
    assert refused.returncode == 2 and "cannot be isolated" in refused.stderr and "--unsafe-no-sandbox" in \
        refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "autograded" / "normal").exists() and not (tmp_path / "gradebook.db").exists()
    unsafe = run_grader(tmp_path, "--unsafe-no-sandbox", env={"AUTOGRADER_WITHOUT": "namespaces,landlock,uid"})
    assert unsafe.returncode == 0, unsafe.stderr
    assert "WARNING: --unsafe-no-sandbox" in unsafe.stderr and unsafe.stdout.count("[off]") == 4
    assert all(item["score"] == item["max_score"] for item in items(tmp_path, "normal").values())


def test_doctor_prints_each_protection_and_the_sandbox_from_inside():
    result = subprocess.run([sys.executable, "-m", "autograder", "doctor"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for description in sandbox.PROTECTIONS.values():
        assert description in result.stdout
    assert "bubblewrap" in result.stdout and "no_new_privs 1" in result.stdout
    assert "capabilities 0000000000000000" in result.stdout and "pid 2," in result.stdout
    refused = subprocess.run([sys.executable, "-m", "autograder", "doctor"], cwd=REPO, capture_output=True, text=True,
                             env={**os.environ, "AUTOGRADER_WITHOUT": "namespaces,landlock,uid"})
    assert refused.returncode == 1 and "cannot be isolated" in refused.stdout


def test_doctor_shows_the_fallback_without_control_groups():
    result = subprocess.run([sys.executable, "-m", "autograder", "doctor"], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "AUTOGRADER_WITHOUT": "cgroups"})
    assert result.returncode == 0 and "partly: rlimits per process only" in result.stdout


@pytest.mark.skipif(sandbox.limits_report().startswith("partly"), reason="no control groups here")
def test_a_sandbox_group_limits_memory_processes_and_cpu():
    group = cgroups.Hierarchy.find().create(cgroups.Limits(memory=2**30, processes=32, cpus=1.0))
    try:
        if group.version == 1:
            assert int((group.folders["memory"] / "memory.limit_in_bytes").read_text()) == 2**30
            assert (group.folders["cpu"] / "cpu.cfs_quota_us").read_text().strip() == "100000"
        else:
            assert (group.folders["memory"] / "memory.max").read_text().strip() == str(2**30)
            assert (group.folders["cpu"] / "cpu.max").read_text().split()[0] == "100000"
        assert (group.folders["pids"] / "pids.max").read_text().strip() == "32"
    finally:
        group.remove()
    assert not group.folders["pids"].exists()


def test_sandbox_uids_are_outside_the_ranges_of_accounts_and_subordinate_ids():
    for path in ("/etc/subuid", "/etc/subgid"):
        if os.path.exists(path):
            for line in open(path):
                if line.count(":") == 2:
                    _, first, count = line.strip().split(":")
                    assert int(first) + int(count) <= sandbox.SANDBOX_UIDS[0] or int(first) >= sandbox.SANDBOX_UIDS[1]
    for line in open("/etc/passwd"):
        assert not sandbox.SANDBOX_UIDS[0] <= int(line.split(":")[2]) < sandbox.SANDBOX_UIDS[1]
    assert all(sandbox.SANDBOX_UIDS[0] <= sandbox.sandbox_uid() < sandbox.SANDBOX_UIDS[1] for _ in range(300))


def test_a_password_on_the_command_line_is_refused(tmp_path):
    submit_notebook(tmp_path, "normal", complete())
    result = run_grader(tmp_path, "--db", "postgresql://grader:secret@127.0.0.1:1/gradebook")
    assert result.returncode == 2 and "AUTOGRADER_DB_URL" in result.stderr and "secret" not in result.stderr
    readable = tmp_path / "db-url"
    readable.write_text("postgresql://grader:secret@127.0.0.1:1/gradebook\n")
    readable.chmod(0o644)
    result = run_grader(tmp_path, "--db-file", str(readable))
    assert result.returncode == 2 and "chmod 600" in result.stderr
    assert not (tmp_path / "autograded" / "normal").exists()


def test_a_regraded_empty_release_replaces_an_older_full_grade(tmp_path):
    folder = submit_notebook(tmp_path, "ada", complete())
    assert run_grader(tmp_path).returncode == 0
    assert document(tmp_path, "ada")["score"] == 10
    shutil.copy(RELEASE_NOTEBOOK, folder / "Regularization.ipynb")
    assert run_grader(tmp_path).returncode == 0
    assert document(tmp_path, "ada")["score"] == 0
    totals = [row for row in csv.DictReader((tmp_path / "grades.csv").open()) if row["item"] == "total"]
    assert [(row["student_id"], row["score"]) for row in totals] == [("ada", "0")]


def test_a_damaged_gradebook_is_refused_and_left_alone(tmp_path):
    submit_notebook(tmp_path, "normal", complete())
    (tmp_path / "gradebook.db").write_bytes(b"not a database at all")
    result = run_grader(tmp_path)
    assert result.returncode == 2 and "is not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "gradebook.db").read_bytes() == b"not a database at all"
    assert not (tmp_path / "autograded" / "normal").exists()


def test_a_second_run_on_the_same_course_is_refused(tmp_path):
    import fcntl
    submit_notebook(tmp_path, "normal", complete())
    (tmp_path / "autograded").mkdir()
    with (tmp_path / "autograded" / ".grading.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a run in progress holds it
        result = run_grader(tmp_path)
    assert result.returncode == 2 and "another grading run is using" in result.stderr
    assert not (tmp_path / "autograded" / "normal").exists()
    assert stat.S_ISDIR((tmp_path / "autograded").stat().st_mode)


def test_an_overflowing_answer_costs_only_its_function(tmp_path):
    release, source = REPO / "release" / "tuning" / "Tuning.ipynb", REPO / "source" / "tuning" / "Tuning.ipynb"
    huge = Variant("choose_lambda", (("return best_lambd, ", "return 10**400, "),))
    folder = tmp_path / "submitted" / "huge-lambda" / "tuning"
    folder.mkdir(parents=True)
    nbformat.write(submission(release, source, [huge]), folder / "Tuning.ipynb")
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "tuning", "--course-dir", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    graded = json.loads((tmp_path / "autograded" / "huge-lambda" / "tuning" / "results.json").read_text())
    assert graded["status"] == "graded"
    scores = {item["name"]: (item["score"], item["max_score"]) for item in graded["items"]}
    assert scores.pop("choose_lambda")[0] == 0
    assert all(score == maximum for score, maximum in scores.values())
