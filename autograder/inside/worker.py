"""The worker: reads one submission and runs its graded functions, each in a forked child (runs in the sandbox).

    python -I worker.py [--uid UID] [--kill-all] [--confine SPEC]     (JSON lines on stdin and stdout)

The grader starts one worker per submission, inside the submission's sandbox
(autograder.sandbox). Its first message carries the setup code (the imports
and definitions of the instructor's locked cells, nothing secret) and the
submitted notebook's bytes. The worker drops to the sandbox's uid (when
started as root), limits itself, runs the setup, reads the graded cells
(autograder.inside.cells) and answers with what it found. Then, for each job (a
function's name and its cases' inputs, sent one function at a time), it forks
a child which reads the cell, runs it and calls the function on the cases,
writing response.json in its own folder: per case, the encoded results (see
wire.py) or the exception with the traceback lines of the student's code. The
worker waits for the child up to the time limit, kills everything the child
left behind and sends back how it ended with the response. The grader trusts
none of it: it decodes and checks every answer itself, with its own deadlines.

--kill-all says that kill(-1) reaches this submission's processes only (a PID
namespace, a uid of the sandbox's own, or a Landlock domain that scopes
signals). --confine is the sandbox without namespaces: the worker confines
itself before it reads anything of the submission (confine(), below), and
each child confines itself further, to its own folder, before it runs the
student's code.
"""

import base64
import copy
import gc
import importlib.abc
import importlib.machinery
import json
import linecache
import os
import resource
import shutil
import signal
import stat
import sys
import time
import traceback
import types

STUDENT_FILE = "<graded cell>"
OUTPUT_FILE = "output.txt"
RESPONSE_FILE = "response.json"
STARTED_FILE = "started"
MAX_RESPONSE_BYTES = 16 * 2**20
MEMORY_BYTES = 2**30  # per process, on top of what the worker maps
FILE_BYTES = 16 * 2**20
PROCESSES = 64
OPEN_FILES = 256
# Imported on first use in the sandbox: the locked cells import them for plots and data files, which
# the graded functions do not need, and each worker would pay a third of a second for them.
DEFERRED_MODULES = ("matplotlib", "matplotlib.pyplot", "scipy.io")


UNSEEDED = 20261130  # see start_random_state


def start_random_state(seed):
    """Put numpy's global generator where a case starts: seeded with seed, or with seed None in a state that no
    np.random.seed(n) call gives (seeded, then a few numbers drawn), so that a function that reseeds it never
    leaves it where it was."""
    import numpy as np
    np.random.seed(UNSEEDED if seed is None else seed)
    if seed is None:
        np.random.random_sample(5)


def call_case(function, args, seed, repeat, paths):
    """Call function repeat times in a row on args, numpy's generator put where the case starts (start_random_state).

    Returns:
    results -- what each call returned, reduced to its parts at paths when there are any
    facts -- dict of what the calls did besides: "mutated" (args changed), "random_state_changed" (numpy's
             global generator is not where the seeding left it), "aliased" (a returned array shares memory
             with an argument's)
    Raises whatever the function raises.
    """
    import numpy as np

    from checking import changed  # the course's helper, beside the assignment's (one test, visible and hidden)
    before = copy.deepcopy(args)
    start_random_state(seed)
    state = np.random.get_state()
    results, aliased = [], False
    for _ in range(repeat):
        result = function(*args)
        aliased = aliased or _shares_memory(result, args)
        results.append(select(result, paths) if paths else result)
    after = np.random.get_state()
    moved = not (state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:])
    return results, {"mutated": changed(before, args), "random_state_changed": moved, "aliased": aliased}


def _arrays(value):
    """The numpy arrays inside a value (tuples, lists and dicts are searched)."""
    import numpy as np
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in _arrays(item)]
    return []


def _shares_memory(result, args):
    """True when an array of result is, or is a view of, an array of args."""
    import numpy as np
    given = _arrays(args)
    return any(np.may_share_memory(returned, array) for returned in _arrays(result) for array in given)


def select(result, paths):
    """The items of result at the given index paths (e.g. [[1, 1]] is result[1][1]).

    A result without such items is returned whole, for the grader to report.
    """
    selected = []
    try:
        for path in paths:
            item = result
            for index in path:
                item = item[index]
            selected.append(item)
    except Exception:
        return result
    return selected


def error_data(error, filename=STUDENT_FILE):
    """An exception as plain data, with the traceback lines of the code compiled from filename."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    try:
        message = str(error)[:500]
    except Exception:  # a student's exception whose __str__ raises
        message = "(its message could not be read)"
    return {"type": type(error).__name__[:100], "message": message,
            "trace": [f"line {frame.lineno}: {(frame.line or '')[:200]}" for frame in frames][-5:]}


class _Deferred(types.ModuleType):
    """A module of DEFERRED_MODULES before its first use: the first attribute read imports it for real."""

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(_DEFERRING.realise(self.__name__), attribute)


class _Deferring(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports DEFERRED_MODULES as _Deferred placeholders, and the real modules when one is first used."""

    def __init__(self):
        self.real = {}

    def find_spec(self, name, path=None, target=None):
        if name not in DEFERRED_MODULES or self.real:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=spec.submodule_search_locations is not None) \
            if spec.submodule_search_locations is None else self._package(name, spec)

    def _package(self, name, spec):
        deferred = importlib.machinery.ModuleSpec(name, self, is_package=True)
        deferred.submodule_search_locations = list(spec.submodule_search_locations)
        return deferred

    def create_module(self, spec):
        return _Deferred(spec.name)

    def exec_module(self, module):
        pass

    def realise(self, name):
        """The real module called name: the placeholders leave sys.modules, the real modules are imported."""
        if not self.real:
            placeholders = [n for n in DEFERRED_MODULES if isinstance(sys.modules.get(n), _Deferred)]
            self.real[None] = None  # from now on this finder finds nothing
            for placeholder in placeholders:
                del sys.modules[placeholder]
            for placeholder in placeholders:
                self.real[placeholder] = importlib.import_module(placeholder)
        return self.real.get(name) or importlib.import_module(name)


_DEFERRING = _Deferring()


_PROC = {}  # /proc/self/status and statm, opened before any confinement (which may deny /proc)


def _open_proc():
    for name in ("status", "statm"):
        _PROC[name] = os.open(f"/proc/self/{name}", os.O_RDONLY | os.O_CLOEXEC)


def _read_proc(name):
    return os.pread(_PROC[name], 65536, 0).decode()


def _close_proc():
    for fd in _PROC.values():
        os.close(fd)
    _PROC.clear()


_CONFINED = {}  # the --confine spec, once applied: the children confine themselves to their folders with it
DEVICES = ("/dev/null", "/dev/zero")


def _own_processes():
    """How many processes of this uid this process can see (for a process limit above what the user runs)."""
    me, count = str(os.getuid()), 0
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/status") as status:
                count += any(line.startswith("Uid:") and line.split()[1] == me for line in status)
        except OSError:
            continue
    return count


def confine(spec):
    """The sandbox without namespaces, applied to this process before it reads the submission.

    spec -- {"uid": a uid of the sandbox's own, or None to stay this user; "landlock": bool;
             "read": paths to read; "write": the folder to write in}
    Order: the uid (root only), rlimits (processes counted above this user's own when the uid is shared),
    no_new_privs, Landlock (files, TCP, signals and abstract sockets scoped to this domain), seccomp.
    """
    import ctypes

    from autograder.inside import landlock, seccomp

    if spec["uid"] is not None:
        _drop_privileges(spec["uid"])
    _limit_self(PROCESSES if spec["uid"] is not None else _own_processes() + PROCESSES)
    if ctypes.CDLL(None, use_errno=True).prctl(seccomp.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SystemExit("the worker could not set no_new_privs")
    if spec["landlock"]:
        spec["abi"] = landlock.restrict(read=spec["read"], write=spec["write"], devices=DEVICES)
    filter_program = seccomp.program()
    if filter_program is None:
        raise SystemExit("no seccomp filter for this architecture: the sandbox without namespaces needs one")
    seccomp.install(filter_program)
    _CONFINED.update(spec)


def _confine_child(folder):
    """In a child, before student code: its own Landlock domain, writing only in its folder (the worker, outside
    that domain, can neither be signalled nor written to by it)."""
    if _CONFINED.get("landlock"):
        import tempfile

        from autograder.inside import landlock
        landlock.restrict(read=_CONFINED["read"], write=[folder], devices=DEVICES)
        os.environ.update(HOME=folder, TMPDIR=folder, MPLCONFIGDIR=os.path.join(folder, ".matplotlib"))
        tempfile.tempdir = None  # computed again, from TMPDIR


def _run_job(source, name, namespace, cases, wire):
    """In the child: read the cell, run it and the calls; returns the response."""
    import numpy  # noqa: F401 (imported before the student's code runs, so that call_case seeds the real one)

    from autograder.inside.cells import student_code
    code, problem = student_code(source, name)
    if problem:
        return {"problem": problem}
    open(STARTED_FILE, "w").close()
    linecache.cache[STUDENT_FILE] = (len(code), None, code.splitlines(True), STUDENT_FILE)
    try:
        exec(compile(code, STUDENT_FILE, "exec"), namespace)
    except BaseException as error:  # the cell's imports failed, or a default argument raised
        return {"load_error": error_data(error)}
    function = namespace.get(name)
    if not callable(function):
        return {"load_error": {"type": "NameError", "message": f"{name} is not defined", "trace": []}}
    calls = []
    me = os.getpid()
    for case in cases:
        try:
            results, facts = call_case(function, wire.decode(case["args"]), case["seed"], case["repeat"],
                                       case["select"])
            encoded = wire.encode(results)
        except BaseException as error:  # SystemExit and KeyboardInterrupt from student code too
            if os.getpid() != me:  # a process the student's code forked: only the child answers
                os._exit(0)
            calls.append({"error": error_data(error)})
            continue
        if os.getpid() != me:
            os._exit(0)
        calls.append({"results": encoded, **facts})
    return {"calls": calls}


def _child(source, job, namespace, wire):
    """In the forked child: limits, own folder, run the job, write response.json, exit."""
    os.setpgid(0, 0)
    cpu = int(job["timeout"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mapped = int(_read_proc("statm").split()[0]) * resource.getpagesize()  # the worker's, as forked
    _close_proc()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + MEMORY_BYTES, mapped + MEMORY_BYTES))
    _confine_child(job["folder"])
    os.chdir(job["folder"])
    null = os.open(os.devnull, os.O_RDONLY)
    output = os.open(OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(null, 0)  # the control pipes are on 0 and 1: out of the student's reach from here on
    os.dup2(output, 1)
    os.dup2(output, 2)
    sys.stdin = open(0, closefd=False)
    sys.stdout = sys.stderr = open(1, "w", closefd=False)
    response = _run_job(source, job["function"], dict(namespace), job["cases"], wire)
    sys.stdout.flush()
    text = json.dumps(response)
    with open(RESPONSE_FILE + ".tmp", "w") as handle:
        handle.write(text)
    os.replace(RESPONSE_FILE + ".tmp", RESPONSE_FILE)
    os._exit(0)  # skip interpreter clean-up that student code may have hooked


def _kill_all(pid, kill_all):
    """Kill the child and everything it started: with kill_all (--kill-all), every process but this one that
    this one may signal, which are the sandbox's."""
    if kill_all:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _wait(pid, timeout, kill_all):
    """Wait for a child up to timeout; kill it and its leftovers. Returns how it ended."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.002)
    else:
        status = None
    _kill_all(pid, kill_all)
    if status is None:
        try:
            os.waitpid(pid, 0)  # killed: it ends at once
        except ChildProcessError:
            pass
        return {"status": "timeout"}
    if os.WIFSIGNALED(status):
        return {"status": "signal", "signal": os.WTERMSIG(status)}
    return {"status": "exit", "code": os.WEXITSTATUS(status)}


def _reap(seconds=2.0):
    """Collect the killed children and the leftovers re-parented to this worker (a child subreaper), until none
    is left or for seconds at most: until then they count against the uid's process limit."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            if not os.waitpid(-1, os.WNOHANG)[0]:
                if time.monotonic() >= deadline:
                    return
                time.sleep(0.001)
    except ChildProcessError:
        pass


def _fork(seconds):
    """os.fork(), tried again for up to seconds while the uid's process limit is reached (a fork bomb of another
    submission of the same uid, not yet killed by its worker)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return os.fork()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _read_response(path):
    """The child's response.json as text (at most MAX_RESPONSE_BYTES + 1 bytes), or None: a regular file only."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return handle.read(MAX_RESPONSE_BYTES + 1).decode("utf-8", "replace")


def _status():
    """This process's /proc/self/status, as {field: value}."""
    return {key: value.strip() for key, value in (line.split(":", 1) for line in _read_proc("status").splitlines())}


def _drop_privileges(uid):
    """Become the sandbox's own unprivileged uid (when started as root in the sandbox); no capability is left."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    fields = _status()
    if int(fields["CapEff"], 16) or int(fields["CapPrm"], 16) or os.getuid() != uid:
        raise SystemExit("the worker still holds privileges after switching user")


def _limit_self(processes=PROCESSES):
    import ctypes
    ctypes.CDLL(None).prctl(4, 0)  # PR_SET_DUMPABLE 0: no process of the submission may read or write its memory
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit fails with an error instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


def _readable(paths):
    """The paths of these that this process can read (list a folder, read a file's first byte)."""
    found = []
    for path in paths:
        try:
            if os.path.isdir(path):
                os.listdir(path)
            else:
                with open(path, "rb") as handle:
                    handle.read(1)
            found.append(path)
        except OSError:
            pass
    return found


def self_report():
    """What this process is, from the inside: for the grader's and doctor's checks."""
    fields = _status()

    def listing(folder):  # None where the folder cannot be read (the sandbox without namespaces)
        try:
            return sorted(os.listdir(folder))
        except OSError:
            return None

    root, proc = listing("/"), listing("/proc")
    return {"uid": os.getuid(), "pid": os.getpid(), "cap_eff": fields.get("CapEff"),
            "no_new_privs": fields.get("NoNewPrivs"), "seccomp": fields.get("Seccomp"),
            "landlock": _CONFINED.get("abi"), "root": root[:50] if root is not None else None,
            "processes": sum(entry.isdigit() for entry in proc) if proc is not None else None}


def main():
    arguments = sys.argv[1:]
    kill_all = "--kill-all" in arguments
    import ctypes
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: what the children leave is re-parented here
    _open_proc()
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # above autograder/
    sys.path.insert(0, here)
    if "--confine" in arguments:
        confine(json.loads(arguments[arguments.index("--confine") + 1]))
    else:
        if "--uid" in arguments:
            _drop_privileges(int(arguments[arguments.index("--uid") + 1]))
        _limit_self()
    os.umask(0o077)
    if "--probe" in arguments:  # for the grader's check of a layer, before any submission: what is readable
        print(json.dumps({"self": self_report(), "readable": _readable(arguments[arguments.index("--probe") + 1:])}))
        return
    from autograder.inside import cells, wire

    control_in, control_out = sys.stdin, sys.stdout

    def answer(message):
        control_out.write(json.dumps(message) + "\n")
        control_out.flush()

    start = json.loads(control_in.readline())
    sys.path.insert(0, start["support"])
    sys.meta_path.insert(0, _DEFERRING)
    namespace = {"__name__": "__main__"}
    exec(compile(start["setup"], "<setup>", "exec"), namespace)
    found, sources = {}, {}
    try:
        graded = cells.graded_cells(cells.code_cells(base64.b64decode(start["notebook"])))
    except cells.Unreadable as error:
        answer({"ready": True, "unreadable": str(error), "self": self_report()})
        return
    del start["notebook"]
    for name in start["functions"]:
        copies = graded.get(name, [])
        found[name] = {"copies": len(copies), "not_started": bool(copies) and cells.not_started(copies[-1])}
        if copies:
            sources[name] = copies[-1]
    del graded, start
    gc.collect()
    answer({"ready": True, "cells": found, "self": self_report()})
    for number, line in enumerate(control_in):
        job = json.loads(line)
        job["folder"] = os.path.abspath(f"job-{number}")
        os.mkdir(job["folder"])
        pid = _fork(job["timeout"])
        if pid == 0:
            try:
                _child(sources.get(job["function"], ""), job, namespace, wire)
            finally:
                os._exit(70)
        del job["cases"]
        ending = _wait(pid, job["timeout"], kill_all)
        _reap(2.0 if kill_all else 0.0)
        response = None
        if ending == {"status": "exit", "code": 0}:
            response = _read_response(os.path.join(job["folder"], RESPONSE_FILE))
            if response is not None and len(response) > MAX_RESPONSE_BYTES:
                ending, response = {"status": "too_large"}, None
        ending["started"] = os.path.exists(os.path.join(job["folder"], STARTED_FILE))
        shutil.rmtree(job["folder"], ignore_errors=True)
        answer({"ending": ending, "response": response})


if __name__ == "__main__":
    main()
