"""The worker: runs students' graded functions on the hidden cases, each in a forked child process.

    python -I -m autograder.worker      (control messages as JSON lines on stdin and stdout)

The grader starts one worker per grading run, in a folder holding the files
the release gives students. Its first message carries the setup code (the
imports and definitions of the instructor's locked cells) and the hidden
cases; the worker runs the setup once and never runs student code itself.
For each job (a student's graded cell, reduced to its imports and
definitions, and the function to call) it forks a child. The child moves to
the job's own folder, sends what it prints to output.txt there, runs the
function on the cases and writes response.json: per case, the encoded
results (see wire.py) or the exception with the traceback lines of the
student's code. The worker waits for the child, kills it and its process
group at the time limit, and tells the grader how it ended. Nothing a child
writes is trusted by the grader: it decodes and checks it.
"""

import copy
import json
import linecache
import os
import signal
import sys
import time
import traceback

STUDENT_FILE = "<graded cell>"
OUTPUT_FILE = "output.txt"
RESPONSE_FILE = "response.json"


def unchanged(before, after):
    """True when two argument structures hold the same values (after a call, compared with a copy)."""
    import numpy as np
    if type(before) is np.ndarray:
        return type(after) is np.ndarray and before.shape == after.shape and bool(np.array_equal(before, after))
    if type(before) is dict:
        return type(after) is dict and before.keys() == after.keys() and all(
            unchanged(before[k], after[k]) for k in before)
    if type(before) in (tuple, list):
        return type(after) is type(before) and len(before) == len(after) and all(
            unchanged(b, a) for b, a in zip(before, after))
    return before == after


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


def describe(error, filename=STUDENT_FILE):
    """An exception as plain data, with the traceback lines of the code compiled from filename."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    return {"type": type(error).__name__, "message": str(error)[:2000],
            "trace": [f"line {frame.lineno}: {frame.line}" for frame in frames][-5:]}


def _run_job(job, namespace, cases, wire):
    """In the child: run the student's cell and the calls; returns the response."""
    import numpy as np
    source = job["student"]
    linecache.cache[STUDENT_FILE] = (len(source), None, source.splitlines(True), STUDENT_FILE)
    try:
        exec(compile(source, STUDENT_FILE, "exec"), namespace)
    except Exception as error:  # the cell's imports failed, or a default argument raised
        return {"load_error": describe(error)}
    function = namespace.get(job["function"])
    if not callable(function):
        return {"load_error": {"type": "NameError", "message": f"{job['function']} is not defined", "trace": []}}
    calls = []
    me = os.getpid()
    for case in cases[job["function"]]:
        args = wire.decode(case["args"])
        before = copy.deepcopy(args)
        if case["seed"] is not None:
            np.random.seed(case["seed"])
        results = []
        try:
            for _ in range(case["repeat"]):
                result = function(*args)
                results.append(select(result, case["select"]) if case["select"] else result)
            encoded = wire.encode(results)
        except BaseException as error:  # SystemExit and KeyboardInterrupt from student code too
            if os.getpid() != me:  # a process the student's code forked: only the child answers
                os._exit(0)
            calls.append({"error": describe(error)})
            continue
        if os.getpid() != me:
            os._exit(0)
        calls.append({"results": encoded, "mutated": not unchanged(before, args)})
    return {"calls": calls}


def _child(job, namespace, cases, wire, protections):
    """In the forked child: isolate, run the job, write response.json, exit."""
    from autograder import sandbox
    os.setpgid(0, 0)  # its own process group, which the worker kills as a whole
    try:
        sandbox.enter(protections["active"], job["folder"], protections["hidden"], job["timeout"])
    except OSError:
        os._exit(71)
    os.chdir(job["folder"])
    sys.path[0] = job["folder"]
    null = os.open(os.devnull, os.O_RDONLY)
    output = os.open(OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(null, 0)  # the control pipes are on 0 and 1: out of the student's reach from here on
    os.dup2(output, 1)
    os.dup2(output, 2)
    sys.stdin = open(0, closefd=False)
    sys.stdout = sys.stderr = open(1, "w", closefd=False)
    response = _run_job(job, dict(namespace), cases, wire)
    sys.stdout.flush()
    text = json.dumps(response)
    with open(RESPONSE_FILE + ".tmp", "w") as handle:
        handle.write(text)
    os.replace(RESPONSE_FILE + ".tmp", RESPONSE_FILE)
    os._exit(0)  # skip interpreter clean-up that student code may have hooked


def _wait(pid, timeout):
    """Wait for a child; kill its process group at the time limit. Returns how it ended."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            _kill_group(pid)
            os.waitpid(pid, 0)
            return {"status": "timeout"}
        time.sleep(0.002)
    _kill_group(pid)  # what the child started and left behind
    if os.WIFSIGNALED(status):
        return {"status": "signal", "signal": os.WTERMSIG(status)}
    return {"status": "exit", "code": os.WEXITSTATUS(status)}


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main():
    sys.path.insert(0, os.getcwd())
    from autograder import wire

    from autograder import sandbox

    control_in, control_out = sys.stdin, sys.stdout
    start = json.loads(control_in.readline())
    namespace = {"__name__": "__main__"}
    exec(compile(start["setup"], "<setup>", "exec"), namespace)
    cases = start["cases"]
    report = sandbox.probe()
    protections = {"active": {name for name, status in report.items() if status == "active"},
                   "hidden": start["hidden"]}
    control_out.write(json.dumps({"ready": True, "protections": report}) + "\n")
    control_out.flush()
    for line in control_in:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(job, namespace, cases, wire, protections)
            finally:
                os._exit(70)
        ending = _wait(pid, job["timeout"])
        if "unprivileged" in protections["active"]:
            sandbox.kill_leftovers()
        control_out.write(json.dumps(ending) + "\n")
        control_out.flush()


if __name__ == "__main__":
    main()
