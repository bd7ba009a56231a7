"""One submission in a sandbox of its own: start it, send the notebook, run each graded function on its cases,
read the answers. Every read and write has a deadline and a size cap; what comes back is checked field by field.
"""

import base64
import functools
import json
import os
import select
import signal
import time
from dataclasses import replace

import checking
from autograder import assignments, sandbox
from autograder.errors import GradingFailed
from autograder.grading.verdicts import FACTS, Item, Outcome, error_problem, verdict
from autograder.inside import wire
from autograder.inside.cells import MARKER

MAX_MESSAGE_BYTES = 24 * 2**20  # one line from the sandbox: a response of at most 16 MB, as JSON text
START_SECONDS = 30  # for the sandbox to start, import the setup and read the notebook
SLACK_SECONDS = 5  # beyond a function's time limit, for its worker to answer


@functools.cache
def _job_cases(assignment_name, name):
    """The inputs of a function's hidden cases, as the worker receives them (encoded once per process)."""
    return [{"args": wire.encode(case.args), "seed": case.seed, "repeat": case.repeat,
             "select": [list(path) for path in case.select]} for case in assignments.load(assignment_name).cases(name)]


class Channel:
    """JSON lines to and from a sandbox's worker, every read and write with a deadline."""

    def __init__(self, process):
        self.write_fd, self.read_fd = process.stdin.fileno(), process.stdout.fileno()
        os.set_blocking(self.write_fd, False)
        os.set_blocking(self.read_fd, False)
        self.buffer = bytearray()

    def send(self, message, deadline):
        data = memoryview((json.dumps(message) + "\n").encode())
        while data:
            if not select.select([], [self.write_fd], [], max(0.0, deadline - time.monotonic()))[1]:
                raise GradingFailed("its sandbox stopped reading what the grader sends")
            try:
                data = data[os.write(self.write_fd, data[:65536]):]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise GradingFailed("its sandbox ended before it was sent everything") from None

    def receive(self, deadline, what):
        """The next message; raises GradingFailed past the deadline, at the end of the stream or past the size cap."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_MESSAGE_BYTES:
                raise GradingFailed(f"its sandbox sent more than any answer needs while {what}")
            if not select.select([self.read_fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise GradingFailed(f"its sandbox stopped answering while {what}")
            try:
                chunk = os.read(self.read_fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise GradingFailed(f"its sandbox ended while {what}")
            self.buffer += chunk
        end = self.buffer.index(b"\n")
        line, self.buffer = bytes(self.buffer[:end]), self.buffer[end + 1:]
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise GradingFailed(f"its sandbox sent an answer that could not be read while {what}") from None
        if type(message) is not dict:
            raise GradingFailed(f"its sandbox sent an answer that could not be read while {what}")
        return message


class Session:
    """One submission in its own sandbox: start it, read the notebook there, run each function. A context manager.

    The sandbox is never shared: a new one for every submission, killed at the end with all it started.
    """

    def __init__(self, assignment, data, unsafe=False):
        self.assignment, self.data, self.unsafe = assignment, data, unsafe
        self.sandbox = sandbox.Sandbox(support=assignment.support, unsafe=unsafe)
        self.cells = self.unreadable = self.peak_memory = None

    def __enter__(self):
        try:
            self.channel = Channel(self.sandbox.start())
            deadline = time.monotonic() + START_SECONDS
            self.channel.send({"setup": self.assignment.setup, "support": self.sandbox.support_dir(),
                               "notebook": base64.b64encode(self.data).decode(),
                               "functions": list(self.assignment.functions)}, deadline)
            try:
                ready = self.channel.receive(deadline, "reading the notebook")
            except GradingFailed as error:  # nothing of the student's has run yet: say what the sandbox said
                said = self.sandbox.errors()
                raise GradingFailed(f"{error}{f' ({said})' if said else ''}") from None
            self._check_isolation(ready.get("self"))
            self.unreadable = ready.get("unreadable")
            if self.unreadable is None:
                self.cells = self._cells(ready.get("cells"))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info):
        self.peak_memory = self.sandbox.peak_memory()
        self.sandbox.__exit__(*exc_info)

    def _check_isolation(self, report):
        """Refuse a sandbox that does not look as it should from the inside (before any student code ran)."""
        if self.unsafe:
            return
        layer = self.sandbox.layer
        if (type(report) is not dict or report.get("cap_eff") != "0000000000000000"
                or report.get("no_new_privs") != "1" or report.get("uid") == 0
                or (layer == "namespaces" and report.get("pid", 99) > 3)
                or (layer != "namespaces" and report.get("seccomp") != "2")
                or (self.sandbox.uid is not None and report.get("uid") != self.sandbox.uid)
                or (layer == "landlock" and not (type(report.get("landlock")) is int and report["landlock"] >= 1))):
            raise GradingFailed(f"its sandbox is not isolated as it should be ({str(report)[:300]}); "
                                "run `python -m autograder doctor`")

    def _cells(self, cells):
        functions = self.assignment.functions
        if type(cells) is not dict or set(cells) != set(functions) or not all(
                type(info) is dict and type(info.get("copies")) is int and type(info.get("not_started")) is bool
                for info in cells.values()):
            raise GradingFailed("its sandbox sent an answer that could not be read while reading the notebook")
        return cells

    def run(self, name, timeout):
        """Run a student's function on its hidden cases.

        Returns:
        outcomes -- one Outcome per case, or None
        problem -- None, or a checking.Problem when the function could not be run to the end
        Raises GradingFailed when the sandbox stops answering.
        """
        deadline = time.monotonic() + timeout + SLACK_SECONDS
        self.channel.send({"function": name, "cases": _job_cases(self.assignment.name, name), "timeout": timeout},
                          deadline)
        answer = self.channel.receive(deadline, f"running {name}")
        ending, response = answer.get("ending"), answer.get("response")
        if type(ending) is not dict or not (response is None or type(response) is str):
            raise GradingFailed(f"its sandbox sent an answer that could not be read while running {name}")
        status = ending.get("status")
        if status == "timeout" or (status == "signal" and ending.get("signal") == signal.SIGXCPU):
            if not ending.get("started"):
                return None, checking.Problem(
                    f"the cell of {name} could not be read within {timeout:g} seconds: remove the IPython magics "
                    "(lines starting with % or !) from it.", "cell-too-slow",
                    summary="the cell could not be read in time")
            return None, checking.Problem(f"{name} did not finish within {timeout:g} seconds on the hidden tests "
                                          "(an infinite loop, or a very long computation?).", "timeout",
                                          summary=f"{name} did not finish in time")
        if status == "too_large":
            return None, checking.Problem(f"{name} returned more data than any answer needs.", "too-large")
        if status != "exit" or ending.get("code") != 0 or response is None:
            how = (f"killed by signal {ending.get('signal')}" if status == "signal"
                   else f"exit status {ending.get('code')}")
            return None, checking.Problem(f"the process running {name} stopped before answering ({how}): the "
                                          "function, or code it calls, ended the program or crashed it.", "crashed",
                                          summary=f"the process running {name} crashed")
        return _parse_response(name, response, len(self.assignment.cases(name)))


def _parse_response(name, response, count):
    unreadable = None, checking.Problem(f"the answer of the process running {name} could not be read.", "unreadable")
    try:
        data = json.loads(response)
        if type(data) is not dict:
            return unreadable
        if type(data.get("problem")) is str:
            return None, checking.Problem(data["problem"][:1000], "unreadable-cell",
                                          summary="the graded cell could not be run")
        if "load_error" in data:
            error = data["load_error"]
            return None, replace(error_problem(name, _error(error)),
                                 note="\n  (This happened while the cell's imports and definitions were run.)")
        calls = data["calls"]
        if type(calls) is not list or len(calls) != count:
            return unreadable
        outcomes = []
        for call in calls:
            if type(call) is dict and type(call.get("error")) is dict:
                outcomes.append(Outcome(error=_error(call["error"])))
            else:
                results = wire.decode(call["results"])
                if type(results) is not list:
                    return unreadable
                outcomes.append(Outcome(results=results, **{fact: call.get(fact) is True for fact in FACTS}))
        return outcomes, None
    except (ValueError, KeyError, TypeError, RecursionError, wire.WireError):
        return unreadable


def _error(error):
    """An exception as the worker described it, reduced to short text fields."""
    if type(error) is not dict:
        return {}
    trace = error.get("trace")
    return {"type": str(error.get("type", ""))[:100], "message": str(error.get("message", ""))[:500],
            "trace": [str(line)[:200] for line in trace[:5]] if type(trace) is list else []}


def grade_notebook(assignment, data, timeout, unsafe=False):
    """Grade a submitted notebook (its file's bytes) in a sandbox of its own.

    Returns:
    items -- one Item per graded function, in the assignment's order
    peak_memory -- the sandbox's peak memory in bytes, or None where it is not measured
    Raises GradingFailed when the sandbox stops answering or cannot start.
    """
    items = {name: Item(name, 0.0, assignment.points[name]) for name in assignment.functions}
    with Session(assignment, data, unsafe) as session:
        if session.unreadable is not None:
            for item in items.values():
                item.messages.append(f"{assignment.notebook} could not be read as a notebook "
                                     f"({session.unreadable[:300]}). Submit the .ipynb file saved by Jupyter.")
            return list(items.values()), None
        for name, item in items.items():
            info = session.cells[name]
            if not info["copies"]:
                item.fail(checking.Problem(f"no cell starts with '{MARKER}{name}': restore the cell from the "
                                           "release and write your code in it.", "missing-cell",
                                           summary="the graded cell is missing"))
                continue
            if info["copies"] > 1:
                item.messages.append(f"{info['copies']} cells are marked GRADED FUNCTION: {name}; "
                                     "the last one is graded.")
            if info["not_started"]:
                item.fail(checking.Problem(f"{name} is not done yet: the lines between START CODE HERE and "
                                           "END CODE HERE are still `None`.", "not-started",
                                           summary="not done yet: the lines to write are still None"))
                continue
            outcomes, problem = session.run(name, timeout)
            if problem:
                item.fail(problem)
                continue
            graded = verdict(assignment, name, outcomes)
            item.score, item.messages = graded.score, item.messages + graded.messages
            item.cause, item.failed_cases = graded.cause, graded.failed_cases
    return list(items.values()), session.peak_memory
