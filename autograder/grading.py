"""Grade one submitted notebook: only the graded functions run, in the submission's own sandbox.

From the student's notebook the grader takes only the cells marked
``# GRADED FUNCTION: <name>``, and from those only imports and function
definitions (a leftover training call or print is not run). Everything else
the functions need (the imports and helpers of the locked cells) comes from
the instructor's source notebook. Each submission gets a sandbox of its own
(autograder.sandbox), whose worker reads the notebook and runs each function
on its hidden cases' inputs in a child process (autograder.worker). The
results come back as plain data and are checked here, where student code
cannot reach; every wait for the sandbox has a deadline.
"""

import base64
import functools
import json
import os
import re
import select
import signal
import stat
import time
from dataclasses import dataclass, field

import checking
from autograder import assignments, sandbox, wire
from autograder.cells import MARKER

MAX_NOTEBOOK_BYTES = 8 * 2**20  # a real submission is well under 1 MB
MAX_MESSAGE_BYTES = 24 * 2**20  # one line from the sandbox: a response of at most 16 MB, as JSON text
START_SECONDS = 30  # for the sandbox to start, import the setup and read the notebook
SLACK_SECONDS = 5  # beyond a function's time limit, for its worker to answer


FACTS = ("mutated", "random_state_changed", "aliased")  # what the worker reports of each case's calls
RANDOM_STATE = ("{name} changed the state of numpy's global random generator: the random numbers the rest of a "
                "program draws would depend on it.\n  Likely cause: np.random.seed, or a draw from np.random "
                "(np.random.permutation, np.random.shuffle, np.random.rand...): draw only from a generator of the "
                "function's own, such as np.random.default_rng(seed), or draw nothing.")
OWN_ARRAYS = ("{name} returned arrays that belong to the caller (the same arrays, or views of them), where it "
              "promises arrays of its own.\n  Likely cause: returning the parameters it was given, or a shallow copy "
              "(dict(parameters)): copy them, copy.deepcopy(parameters).")


class GradingFailed(Exception):
    """A submission could not be graded (its sandbox stopped answering, or could not start): the reason."""


class UsageError(Exception):
    """A mistake in how the grader was called (unknown assignment, missing folder...)."""


@dataclass
class Item:
    """The grade of one graded function.

    cause -- the likely cause of its failure as data, {"id": ..., "message": ...} (see likely_cause), or None
    failed_cases -- the labels of the hidden cases it failed (for the instructor's class report)
    """
    name: str
    score: float
    max_score: float
    messages: list = field(default_factory=list)
    cause: dict | None = None
    failed_cases: list = field(default_factory=list)


LIKELY_CAUSE = re.compile(r"Likely cause: ([^\n]+)")


def likely_cause(problems):
    """What a failing case's problems say went wrong, as data: {"id": the words of the sentence without numbers or
    punctuation (dW1's and dW2's missing term share one), "message": the sentence}. The sentence is the likely
    cause the problems name, else their first line, the symptom (its id then starts with "symptom-")."""
    text = "\n".join(problems)
    found = LIKELY_CAUSE.search(text)
    if found is not None:
        return _cause(found.group(1))
    first = text.split("\n", 1)[0]
    symptom = _cause(first.split(": ", 1)[1] if ": " in first[:80] else first)
    return {"id": f"symptom-{symptom['id']}", "message": symptom["message"]}


def _cause(message):
    message = message.strip()
    return {"id": "-".join(re.findall(r"[a-z]+", message.lower())[:16]), "message": message}


@dataclass
class Outcome:
    """What one hidden case's calls gave: results (decoded), or an error; and whether the inputs changed."""
    results: list | None = None
    error: dict | None = None
    mutated: bool = False
    random_state_changed: bool = False
    aliased: bool = False


def error_message(name, error):
    """A message for an exception raised by a student's function (error as sent by the worker)."""
    message = f"{name} raised {error.get('type', 'an error')}: {error.get('message', '')}"
    for line in error.get("trace", []):
        message += f"\n  at {line}"
    return message + checking.error_hint(error.get("type", ""), error.get("message", ""))


def judge(name, case, outcome):
    """The problems of one case's outcome (an empty list when it passes)."""
    if outcome.error is not None:
        return [error_message(name, outcome.error)]
    odd = wire.contains_unsupported(outcome.results)
    if odd is not None:
        return [f"{name} returned {odd!r}. Only plain values count: Python numbers, numpy numbers and arrays "
                "of numbers, and tuples, lists and dicts of these."]
    try:
        problems = case.problems(outcome.results)
    except Exception as error:  # what the function returned broke a check (a shape, an overflow...)
        detail = f"{type(error).__name__}: {str(error)[:200]}" if case.documented else type(error).__name__
        problems = [f"{name} returned something the hidden test on {case.label} could not check "
                    f"({detail}). Compare the type and shape of what it returns with the docstring."]
    # What a call did besides returning: each is the likely cause of wrong values too, so it comes first.
    if case.own_arrays and outcome.aliased:
        problems = [OWN_ARRAYS.format(name=name)] + problems
    if not case.draws_random_numbers and outcome.random_state_changed:
        problems = [RANDOM_STATE.format(name=name)] + problems
    if outcome.mutated:
        problems = [checking.CHANGED_ARGUMENTS.format(function=name, what="the arrays it was given")] + problems
    return problems


def verdict(assignment, name, outcomes):
    """The Item of a graded function from its cases' outcomes (all or nothing)."""
    cases = assignment.cases(name)
    failures = [(case.label, problems) for case, outcome in zip(cases, outcomes)
                if (problems := judge(name, case, outcome))]
    points = assignment.points[name]
    if failures:
        return Item(name, 0.0, points, assignment.hidden.summarise(name, failures, len(cases)),
                    likely_cause(failures[0][1]), [label for label, _ in failures])
    return Item(name, points, points, [f"{name} passes all {len(cases)} hidden tests."])



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
        problem -- None, or a message when the function could not be run to the end
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
                return None, (f"the cell of {name} could not be read within {timeout:g} seconds: remove the "
                              "IPython magics (lines starting with % or !) from it.")
            return None, (f"{name} did not finish within {timeout:g} seconds on the hidden tests "
                          "(an infinite loop, or a very long computation?).")
        if status == "too_large":
            return None, f"{name} returned more data than any answer needs."
        if status != "exit" or ending.get("code") != 0 or response is None:
            how = (f"killed by signal {ending.get('signal')}" if status == "signal"
                   else f"exit status {ending.get('code')}")
            return None, (f"the process running {name} stopped before answering ({how}): the function, "
                          "or code it calls, ended the program or crashed it.")
        return _parse_response(name, response, len(self.assignment.cases(name)))


def _parse_response(name, response, count):
    unreadable = None, f"the answer of the process running {name} could not be read."
    try:
        data = json.loads(response)
        if type(data) is not dict:
            return unreadable
        if type(data.get("problem")) is str:
            return None, data["problem"][:1000]
        if "load_error" in data:
            error = data["load_error"]
            return None, error_message(name, _error(error)) + \
                "\n  (This happened while the cell's imports and definitions were run.)"
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


class NotRegular(ValueError):
    """A submitted file that is not a regular file (a FIFO, a device...)."""


class TooLarge(ValueError):
    """A submitted file larger than its limit (size in bytes; grew: it grew while it was read)."""

    def __init__(self, size, grew=False):
        super().__init__(size)
        self.size, self.grew = size, grew


def read_submitted(course, student_id, assignment_name, name, limit):
    """The bytes of submitted/<student_id>/<assignment_name>/<name>, opened without following symbolic links at
    any step below the course directory (a link to another file, another student's or a system one, is refused).

    Raises FileNotFoundError, OSError (ELOOP or ENOTDIR: a link where a file or folder should be), NotRegular, or
    TooLarge beyond limit bytes.
    """
    descriptors = []
    try:
        folder = os.open(course / "submitted", os.O_RDONLY | os.O_DIRECTORY)
        descriptors.append(folder)
        for part in (student_id, assignment_name):
            folder = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
            descriptors.append(folder)
        handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        descriptors.append(handle)
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(name)
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        with os.fdopen(os.dup(handle), "rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(len(data), grew=True)
        return data
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def read_submission(assignment, course, student_id):
    """The submitted notebook of a student, as bytes, unless it cannot be graded (read_submitted: no links).

    Returns:
    data -- the notebook file's bytes, or None
    items -- None, or the Items of a submission that cannot be graded (no notebook, a link, too large)
    """
    try:
        return read_submitted(course, student_id, assignment.name, assignment.notebook, MAX_NOTEBOOK_BYTES), None
    except NotRegular:
        message = f"{assignment.notebook} is not a regular file: submit the notebook itself."
    except TooLarge as error:
        message = (f"{assignment.notebook} grew while it was read: submit it again." if error.grew else
                   f"{assignment.notebook} is {error.size / 2**20:.0f} MB, more than any submission needs "
                   f"({MAX_NOTEBOOK_BYTES // 2**20} MB at most): clear its outputs and submit it again.")
    except FileNotFoundError:
        others = sorted(p.name for p in (course / "submitted" / student_id / assignment.name).glob("*.ipynb"))
        message = (f"no {assignment.notebook} in the submission"
                   + (f" (found: {', '.join(others)}); submit the notebook under its original name."
                      if others else "."))
    except OSError as error:  # ELOOP or ENOTDIR: a symbolic link where a file or folder should be
        message = (f"{assignment.notebook} could not be opened as a file of the submission ({error.strerror}): "
                   "a symbolic link is not a submission; submit the notebook itself.")
    return None, [Item(name, 0.0, assignment.points[name], [message]) for name in assignment.functions]


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
                item.messages.append(f"no cell starts with '{MARKER}{name}': restore the cell from the release "
                                     "and write your code in it.")
                item.cause = _cause("the graded cell is missing")
                continue
            if info["copies"] > 1:
                item.messages.append(f"{info['copies']} cells are marked GRADED FUNCTION: {name}; "
                                     "the last one is graded.")
            if info["not_started"]:
                item.messages.append(f"{name} is not done yet: the lines between START CODE HERE and "
                                     "END CODE HERE are still `None`.")
                item.cause = _cause("not done yet: the lines to write are still None")
                continue
            outcomes, problem = session.run(name, timeout)
            if problem:
                item.messages.append(problem)
                item.cause = likely_cause([problem])
                continue
            graded = verdict(assignment, name, outcomes)
            item.score, item.messages = graded.score, item.messages + graded.messages
            item.cause, item.failed_cases = graded.cause, graded.failed_cases
    return list(items.values()), session.peak_memory
