"""Grade many submissions at a time: in processes on this machine (--jobs) or on a Dask cluster (--scheduler).

Each submission is one task, `grade_task`, run wherever the pool puts it. The
task grades the notebook's bytes in a sandbox of the submission's own
(grading.Session): no process that ran one student's code ever runs
another's. The pool process keeps only what no student touches (the hidden
cases and the instructor solution's answers to them, computed once per
process). It returns plain data; only the process that runs the command
writes results, feedback, the gradebook and grades.csv, so a run grades the
same with any number of processes. A task whose process died (killed, out of
memory, a lost cluster node) is tried once more, then reported as failed:
never dropped.
"""

import collections
import concurrent.futures as cf
import ctypes
import itertools
import multiprocessing
import os
import resource
import signal
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from autograder import assignments, errors, grading, sandbox

ATTEMPTS = 2  # a task whose process died is tried once more
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Task:
    """One submission to grade: the notebook's bytes travel with it, to wherever it runs."""
    student_id: str
    data: bytes


@dataclass
class Graded:
    """What a task returns."""
    student_id: str
    items: list
    seconds: float  # grading this submission, in the process that ran it
    protections: dict  # the sandbox report of the process that graded it
    peak_memory: int  # bytes: the peak resident memory of that process plus the sandbox's (where measured)


def cores():
    """The number of cores this process may run on."""
    return len(os.sched_getaffinity(0))


# ---------------------------------------------------------------------------
# The task, run in a pool process or on a Dask worker
# ---------------------------------------------------------------------------

def grade_task(assignment_name, task, timeout, unsafe=False):
    """Grade one submission; returns a Graded. Raises errors.GradingFailed, or sandbox.Unavailable."""
    start = time.perf_counter()
    assignment = assignments.load(assignment_name)
    protections = sandbox.report(unsafe)  # checked once per process: refuses where no sandbox can start
    items, sandbox_peak = grading.grade_notebook(assignment, task.data, timeout, unsafe)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Graded(task.student_id, items, time.perf_counter() - start, protections, own_peak + (sandbox_peak or 0))


def _die_with_parent():
    """Pool process initializer: be killed when the grading command dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle


# ---------------------------------------------------------------------------
# The pool, in the command's process
# ---------------------------------------------------------------------------

class Pool:
    """Where tasks run: threads or processes of this machine, or a Dask cluster. Use as a context manager.

    jobs -- submissions graded at a time on this machine (1: in this process)
    scheduler -- address of a Dask scheduler (tcp://host:8786); jobs is then ignored
    unsafe -- grade without sandboxes (--unsafe-no-sandbox)
    before_fork -- called before processes are forked again (after one died): it must return when no other thread
                   of this process can hold a lock, such as the import lock, that a forked child would inherit held
    """

    def __init__(self, jobs=1, scheduler=None, unsafe=False, before_fork=None):
        self.jobs, self.scheduler, self.unsafe, self.before_fork = jobs, scheduler, unsafe, before_fork
        self.client = self.executor = None
        self._generation = 0

    def __enter__(self):
        if self.scheduler:
            self.client = _connect(self.scheduler, self.unsafe)
            self.executor = self.client.get_executor(pure=False)
        else:
            self._start_local()
        return self

    def __exit__(self, *exc_info):
        if self.client is not None:
            self.client.close()  # cancels what it still runs for us
        elif self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def _start_local(self):
        self._generation += 1
        if self.jobs == 1:
            self.executor = cf.ThreadPoolExecutor(1, thread_name_prefix="grading")
        else:
            # Forked processes start at once, with this process's imports already loaded: all of them here, at the
            # first task (fork's rule), before the caller starts threads of its own.
            if self._generation > 1 and self.before_fork is not None:
                self.before_fork()
            self.executor = cf.ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                                   initializer=_die_with_parent)
            self.executor.submit(int).result(timeout=60)

    def concurrency(self):
        """How many tasks can run at the same time."""
        if self.client is not None:
            return max(1, sum(self.client.nthreads().values()))
        return self.jobs

    def where(self):
        """Where the tasks run, for messages."""
        if self.client is not None:
            return f"the Dask cluster at {self.scheduler}"
        return "this process" if self.jobs == 1 else f"{self.jobs} processes"

    def grade(self, assignment_name, tasks, timeout):
        """Grade tasks (an iterable, consumed a few at a time); yield (task, Graded or None, error or None).

        Results come as they are ready, in any order. error is the exception that stopped the
        task's last attempt. When a process dies, every task it had in flight or queued fails
        with it: those are tried again one at a time, so that only a task that kills its process
        when it runs alone is charged an attempt.
        """
        tasks = iter(tasks)
        pending = {}  # future: (task, attempt, pool generation, whether it runs alone)
        suspects = collections.deque()  # (task, attempt) in flight when a pool process died

        def submit(task, attempt, alone=False):
            future = self.executor.submit(grade_task, assignment_name, task, timeout, self.unsafe)
            pending[future] = (task, attempt, self._generation, alone)

        while True:
            if suspects:
                if not pending:
                    submit(*suspects.popleft(), alone=True)
            else:
                for task in itertools.islice(tasks, max(0, 2 * self.concurrency() - len(pending))):
                    submit(task, 1)
            if not pending:
                return
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                task, attempt, generation, alone = pending.pop(future)
                error = future.exception()
                if error is None:
                    yield task, future.result(), None
                elif _lost(error):
                    if isinstance(error, BrokenProcessPool) and generation == self._generation:
                        self.executor.shutdown(wait=False, cancel_futures=True)
                        self._start_local()
                    if not alone:
                        suspects.append((task, attempt))
                    elif attempt < ATTEMPTS:
                        suspects.append((task, attempt + 1))
                    else:
                        yield task, None, error
                else:
                    yield task, None, error


def _lost(error):
    """True when a task failed because a process that had it died (perhaps because of another task)."""
    if isinstance(error, BrokenProcessPool):
        return True
    distributed = sys.modules.get("distributed")
    return distributed is not None and isinstance(error, distributed.KilledWorker)


def failure_reason(error):
    """Why a task could not be graded, for the error message."""
    if isinstance(error, BrokenProcessPool) or type(error).__name__ == "KilledWorker":
        return f"the process grading it died in each of {ATTEMPTS} attempts"
    if isinstance(error, errors.GradingFailed):
        return str(error)
    if isinstance(error, sandbox.Unavailable):
        return f"no sandbox on the machine that graded it: {error}"
    return f"{type(error).__name__}: {error}"


def _connect(address, unsafe=False):
    """A Dask client connected to the scheduler at address, whose workers can run grade_task."""
    import distributed

    try:
        client = distributed.Client(address, set_as_default=False)  # waits distributed.comm.timeouts.connect
    except (OSError, TimeoutError, ValueError) as error:
        raise errors.UsageError(f"cannot reach a Dask scheduler at {address} ({error}). Start the cluster "
                                 "first (see docs/scaling.md), or grade on this machine with --jobs.") from None
    try:
        client.run(_check_worker, unsafe)
    except Exception as error:
        client.close()
        raise errors.UsageError(f"the Dask workers at {address} cannot grade: {type(error).__name__}: {error}. "
                                 "Every worker needs this course kit and its virtual environment "
                                 "(see docs/scaling.md).") from None
    return client


def _check_worker(unsafe):
    """Run on each Dask worker before grading: the kit imports there, and can start sandboxes."""
    from autograder import sandbox as worker_sandbox
    worker_sandbox.report(unsafe)
    return True
