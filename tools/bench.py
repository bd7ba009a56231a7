"""Benchmark grading: nbgrader autograde versus this grader, on the same submissions in one run; and a large class.

    python -m tools.bench [--submissions N] [--update benchmarks/README.md]     (or: make bench)
    python -m tools.bench --large N [--update benchmarks/README.md]             (or: make bench-large)

Builds N submissions of the Regularization assignment (the example students
ada, ben and dev in turn: complete solutions, typical mistakes, correct
variants), then grades them with
- plain `nbgrader autograde` with the hidden tests in the test cells (it executes each whole notebook),
- this grader with 1 worker, and with one worker per core,
- this grader on a local Dask cluster with one worker per core,
- this grader with 1 worker and no sandbox (--unsafe-no-sandbox), to show what the sandbox costs,
and measures the floor: a fresh process that imports numpy and runs the hidden
checks on the instructor solution. It prints a table (markdown), checks the
targets, and with --update writes both into the file between its bench markers.
It also times the instructor notebook, cell by cell.

--large N grades a class of N submissions (the example students, every mutant
and every correct variant of the assignment, in turn) with one worker per
core, and a class of 20 the same way, through the command line with the
gradebook: seconds per submission at the steady rate, the grading command's
resident memory as the class goes by, and the similarity report of the large
class. Its table goes between the large-class markers.
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.coursedir import CourseDirectory

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "regularization"
NOTEBOOK = "Regularization.ipynb"
STUDENTS = ("ada", "ben", "dev")  # examples/submissions: complete, three mistakes, correct variants
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
LARGE_START, LARGE_END = "<!-- bench-large:start -->", "<!-- bench-large:end -->"
FLOOR = f"""
import time
start = time.perf_counter()
import numpy as np
from autograder import assignments, hidden
from autograder.notebook import load_definitions
assignment = assignments.load("{ASSIGNMENT}")
imported = time.perf_counter()
solution = load_definitions(assignment.source_notebook)
for name in assignment.functions:
    assert hidden.run(name, solution[name]) == [], name
print(imported - start, time.perf_counter() - imported)
"""


def build_class(course, count):
    """count submissions in course/submitted/, from the example students in turn."""
    for number in range(count):
        example = STUDENTS[number % len(STUDENTS)]
        folder = CourseDirectory(course).format_path("submitted", f"{example}-{number:03d}", ASSIGNMENT)
        folder.mkdir(parents=True)
        shutil.copy(REPO / "examples" / "submissions" / example / ASSIGNMENT / NOTEBOOK, folder)


def build_varied_class(course, count):
    """count submissions in course/submitted/: the example students, then one per mutant and per correct variant
    of the assignment, in turn (so that every kind of result, and its gradebook write, is in the class)."""
    import nbformat

    from autograder import assignments
    from tools.variants import submission

    assignment = assignments.load(ASSIGNMENT)
    corpus = assignments.module(ASSIGNMENT, "mutants")
    release = REPO / "release" / ASSIGNMENT / NOTEBOOK
    kinds = [(REPO / "examples" / "submissions" / s / ASSIGNMENT / NOTEBOOK).read_bytes()
             for s in ("ada", "ben", "cleo", "dev")]
    kinds += [nbformat.writes(submission(release, assignment.source_notebook, [variant])).encode()
              for variant in (*corpus.MUTANTS, *corpus.CORRECT)]
    for number in range(count):
        folder = CourseDirectory(course).format_path("submitted", f"student-{number:05d}", ASSIGNMENT)
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(kinds[number % len(kinds)])
    return len(kinds)


def nbgrader(args, log=None):
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=REPO, env=environment, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if log else subprocess.DEVNULL)


def measure_nbgrader(course):
    """nbgrader autograde of the whole class: its timings, and the total score of each student."""
    shutil.copytree(REPO / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT, symlinks=False)
    options = [f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db"]
    if nbgrader(["generate_assignment", ASSIGNMENT, "--force", *options]).wait() != 0:
        sys.exit("error: nbgrader generate_assignment failed")
    start = time.perf_counter()
    process = nbgrader(["autograde", ASSIGNMENT, "--force", *options], log=True)
    starts = []
    for line in process.stderr:  # one "Autograding <path>" line as each submission starts
        if re.search(r"\] Autograding .*\.ipynb$", line.strip()):
            starts.append(time.perf_counter())
    _, status, usage = os.wait4(process.pid, 0)  # its usage covers the kernels it started and waited for
    process.returncode = os.waitstatus_to_exitcode(status)
    end = time.perf_counter()
    if process.returncode != 0:
        sys.exit("error: nbgrader autograde failed")
    per_submission = [b - a for a, b in zip(starts, starts[1:] + [end])]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        scores = {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
    return {"wall": end - start, "first": (starts[1:] + [end])[0] - start, "per_submission": per_submission,
            "peak_memory": usage.ru_maxrss * 1024, "scores": scores,
            "throughput": 60 / statistics.mean(per_submission)}


def measure_grader(course, workers, *args, mode=None, without=""):
    """Run `python -m autograder grade` in a fresh process; its timings and scores.

    mode -- None, or how tools.container_like runs it ("root": as in a Gradescope container)
    without -- AUTOGRADER_WITHOUT for it (the layers it must not use)
    The steady rate is counted from the moment every worker has returned a result (each
    worker's first submission also pays for starting it, which "first result" shows).
    Returns None, with the reason printed, where the grader refuses (that layer is not available here).
    """
    from tools import container_like
    if mode == "user":  # the course is that user's, in a folder it may enter
        course.parent.chmod(0o711)
        for path in [course, *course.rglob("*")]:
            os.chown(path, container_like.USER_UID, container_like.USER_UID, follow_symlinks=False)
    command = [sys.executable, "-m", "tools.bench", "--run-grader", str(course), *args]
    command, descriptors = (command, ()) if mode is None else container_like.wrap(command, mode)
    start, began = time.perf_counter(), time.time()
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, pass_fds=descriptors,
                                env={**os.environ, "AUTOGRADER_WITHOUT": without})
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    wall = time.perf_counter() - start
    if result.returncode != 0 and "cannot be isolated" in result.stderr:
        print(f"not measured ({without or 'nothing'} turned off{f', {mode}' if mode else ''}): "
              f"{result.stderr.strip().splitlines()[-1][:400]}", flush=True)
        return None
    if result.returncode != 0:
        sys.exit(f"error: grading with {' '.join(args)} failed:\n{result.stderr}")
    run = json.loads(result.stdout.splitlines()[-1])
    received = run["received"]  # when each result came back (time.time())
    warm = min(workers, len(received) - 1) - 1
    throughput = (len(received) - 1 - warm) / (received[-1] - received[warm]) * 60
    return {"wall": wall, "first": received[0] - began, "per_submission": run["seconds"],
            "peak_memory": max(run["peak_memory"]), "scores": run["scores"], "throughput": throughput,
            "received": received, "command_memory": run["command_memory"]}


def run_grader(course, args):
    """In the benchmark's child process: grade with the real command line code, report as JSON."""
    import threading

    from autograder import commands
    from autograder.commands.grade import grade
    samples, done = [], threading.Event()

    def sample_memory():  # the grading command's resident memory, twice a second: (time.time(), bytes)
        while not done.wait(0.5):
            status = Path("/proc/self/status").read_text()
            samples.append((time.time(), int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024))

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    options = commands.parser().parse_args(["grade", ASSIGNMENT, "--course-dir", str(course), "--quiet", *args])
    with contextlib.redirect_stdout(io.StringIO()):
        grading_run = grade(options.assignment, options.course_dir, jobs=options.jobs, scheduler=options.scheduler,
                            quiet=options.quiet, unsafe=options.unsafe_no_sandbox)
    done.set()
    sampler.join()
    assert not grading_run.failed, grading_run.failed
    received = grading_run.received
    print(json.dumps({
        "command_memory": samples,
        "received": [when for when, _ in received],
        "seconds": [graded.seconds for _, graded in received],
        "peak_memory": [graded.peak_memory for _, graded in received],
        "scores": {graded.student_id: sum(item.score for item in graded.items) for _, graded in received}}))


def measure_floor(repeats=3):
    """Fresh processes that import numpy and run the hidden checks on the instructor solution.

    Returns the median seconds of the whole process, of its imports and of the checks.
    """
    walls, imports, checks = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", FLOOR], cwd=REPO, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - start)
        imported, checked = map(float, result.stdout.split())
        imports.append(imported)
        checks.append(checked)
    return statistics.median(walls), statistics.median(imports), statistics.median(checks)


def measure_notebook():
    """Seconds to execute the instructor notebook, in all and in its training cells (those calling model)."""
    import nbformat
    from nbclient import NotebookClient

    from tools.execute import kernel_config

    path = REPO / "source" / ASSIGNMENT / NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as sockets:
        start = time.perf_counter()
        NotebookClient(notebook, config=kernel_config(sockets), kernel_name="python3", record_timing=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        total = time.perf_counter() - start
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            timing = cell.metadata.get("execution", {})
            began = datetime.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            ended = datetime.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cells.append(((ended - began).total_seconds(), "model(" in cell.source))
    cell_seconds = sum(seconds for seconds, _ in cells)
    training = sum(seconds for seconds, trains in cells if trains)
    return total, cell_seconds, training


def table(rows, baseline):
    lines = ["| path | wall s | first result s | per submission: median s | p95 s | submissions/min "
             "| peak MB per worker | s per submission vs nbgrader |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in rows.items():
        times = sorted(row["per_submission"])
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        ratio = row["throughput"] / baseline
        lines.append(f"| {name} | {row['wall']:.1f} | {row['first']:.1f} | {statistics.median(times):.3f} "
                     f"| {p95:.3f} | {row['throughput']:.0f} | {row['peak_memory'] / 2**20:.0f} | "
                     + ("baseline |" if row["throughput"] == baseline else f"{ratio:.0f}x fewer |"))
    return "\n".join(lines)


def memory_at(run, share):
    """The grading command's resident memory (MB) when share of the class had been graded."""
    when = run["received"][min(len(run["received"]) - 1, int(share * len(run["received"])))]
    before = [size for moment, size in run["command_memory"] if moment <= when] or [run["command_memory"][0][1]]
    return before[-1] / 2**20


def large_class(count):
    """The large-class report: a class of 20 and one of count, graded with one worker per core."""
    from autograder.batch import cores

    workers = cores()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-large-") as scratch:
        for size in (20, count):
            course = Path(scratch) / f"class-{size}"
            kinds = build_varied_class(course, size)
            print(f"Grading a class of {size} ({kinds} different notebooks in turn) with {workers} workers...",
                  flush=True)
            rows[size] = measure_grader(course, workers, "--jobs", str(workers))
        start = time.perf_counter()
        similarity = subprocess.run([sys.executable, "-m", "autograder", "similarity", ASSIGNMENT, "--course-dir",
                                     str(course)], cwd=REPO, capture_output=True, text=True)
        similarity_seconds = time.perf_counter() - start
        if similarity.returncode != 0:
            sys.exit(f"error: the similarity report failed:\n{similarity.stderr}")
    small, large = rows[20], rows[count]
    small_seconds, large_seconds = 60 / small["throughput"], 60 / large["throughput"]
    lines = [
        f"Run of {datetime.date.today().isoformat()} on {platform.machine()} Linux with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {workers} workers; each class cycles through the example students, "
        f"the mutants and the correct variants of {ASSIGNMENT} ({kinds} different notebooks); results.json, "
        "feedback, the SQLite gradebook and grades.csv are written as in any run.",
        "",
        "| class | wall s | first result s | s per submission (steady) | grading command's memory, MB: at 10% "
        "/ 50% / 100% of the class | peak MB per worker |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, row in rows.items():
        memory = " / ".join(f"{memory_at(row, share):.0f}" for share in (0.1, 0.5, 1.0))
        lines.append(f"| {size} | {row['wall']:.1f} | {row['first']:.1f} | {60 / row['throughput']:.3f} | {memory} "
                     f"| {row['peak_memory'] / 2**20:.0f} |")
    growth = memory_at(large, 1.0) - memory_at(large, 0.1)
    lines += [
        "",
        f"Seconds per submission at {count}: {large_seconds:.3f}, against {small_seconds:.3f} at 20 "
        f"({(large_seconds / small_seconds - 1) * 100:+.1f}%; target: within 15%, "
        f"{'met' if abs(large_seconds / small_seconds - 1) <= 0.15 else 'NOT met'}). The grading command's memory "
        f"grew by {growth:.0f} MB from 10% to 100% of the class of {count}.",
        "",
        f"`python -m autograder similarity` on the class of {count}: {similarity_seconds:.1f} s.",
    ]
    return "\n".join(lines)


def write_between(path, start, end, text):
    content = path.read_text()
    before, _, after = content.partition(start)
    _, _, after = after.partition(end)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")
    print(f"Updated {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, metavar="N", help="grade a class of N submissions instead (see above)")
    parser.add_argument("--submissions", type=int, default=20, help="class size (default 20)")
    parser.add_argument("--update", type=Path, metavar="FILE",
                        help=f"write the results into FILE, between the lines {START} and {END}")
    parser.add_argument("--run-grader", type=Path, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.run_grader:
        return run_grader(args.run_grader, rest)
    if args.submissions < 2:
        parser.error("--submissions must be at least 2")
    start, end = (LARGE_START, LARGE_END) if args.large else (START, END)
    if args.update and not (args.update.is_file() and start in args.update.read_text()):
        parser.error(f"{args.update} has no line {start} to write after")
    if args.large:
        if args.large < 40:
            parser.error("--large must be at least 40")
        report = large_class(args.large)
        print(report)
        if args.update:
            write_between(args.update, start, end, report)
        return

    from distributed import LocalCluster

    from autograder.batch import cores

    count, workers = args.submissions, cores()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)

        def fresh(name):
            build_class(scratch / name, count)
            return scratch / name

        print(f"Grading {count} submissions with nbgrader autograde (it executes every notebook)...", flush=True)
        rows["nbgrader autograde"] = measure_nbgrader(fresh("nbgrader"))
        print("... with this grader, 1 worker, then one per core, then on a local Dask cluster...", flush=True)
        rows["this grader, 1 worker"] = measure_grader(fresh("one"), 1, "--jobs", "1")
        rows[f"this grader, {workers} workers"] = measure_grader(fresh("many"), workers, "--jobs", str(workers))
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster:
            rows[f"this grader, Dask LocalCluster ({workers} workers)"] = measure_grader(
                fresh("dask"), workers, "--scheduler", cluster.scheduler_address)
        print("... with each isolation layer (autograder/sandbox.py), and without any...", flush=True)
        layers = {
            "namespaces layer (bubblewrap)": rows["this grader, 1 worker"],
            "landlock layer, as in a Gradescope container (tools.container_like root)":
                measure_grader(fresh("landlock"), 1, "--jobs", "1", mode="root"),
            "landlock layer, as in a JupyterHub server (tools.container_like user)":
                measure_grader(fresh("landlock-user"), 1, "--jobs", "1", mode="user"),
            "uid layer, as in a container without Landlock (root)":
                measure_grader(fresh("uid"), 1, "--jobs", "1", mode="root", without="landlock"),
        }
        for name, row in layers.items():
            if row is not None and row is not rows["this grader, 1 worker"]:
                rows[f"this grader, 1 worker, {name}"] = row
        unsafe = measure_grader(fresh("unsafe"), 1, "--jobs", "1", "--unsafe-no-sandbox")
        rows["this grader, 1 worker, no sandbox (--unsafe-no-sandbox)"] = unsafe
    floor, imports, checks = measure_floor()
    total, cell_seconds, training = measure_notebook()

    baseline = rows["nbgrader autograde"]["throughput"]
    from autograder import assignments
    functions = len(assignments.load(ASSIGNMENT).functions)
    one, many = rows["this grader, 1 worker"], rows[f"this grader, {workers} workers"]
    with_sandbox, without = (statistics.median(row["per_submission"]) for row in (one, unsafe))
    agree = all(row["scores"] == rows["nbgrader autograde"]["scores"] for row in rows.values())
    one_seconds = 60 / one["throughput"]
    targets = [
        (f"s per submission, nbgrader / 1 worker: {one['throughput'] / baseline:.0f}x", "at least 20x",
         one["throughput"] / baseline >= 20),
        (f"1 worker / floor: {one_seconds / floor:.2f}x ({one_seconds:.3f} s against {floor:.2f} s)", "at most 3x",
         one_seconds / floor <= 3),
        (f"throughput, {workers} workers / 1 worker: {many['throughput'] / one['throughput']:.2f}x",
         "at least 1.7x on 2 cores", many["throughput"] / one["throughput"] >= 1.7),
        ("every path gives every student the same total score as nbgrader", "yes", agree),
    ]
    report = "\n".join([
        f"Run of {datetime.date.today().isoformat()} on {platform.machine()} Linux with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {count} submissions (ada, ben, dev of examples/ in turn).",
        "",
        table(rows, baseline),
        "",
        f"Floor: a fresh process that imports numpy and runs the hidden checks on the instructor solution takes "
        f"{floor:.2f} s: {imports:.2f} s of imports (numpy, matplotlib, the hidden tests), {checks:.2f} s of "
        "checks, the rest to start the interpreter. This grader starts a new sandbox, and in it a worker that "
        "imports numpy and the helpers (matplotlib and scipy.io only on first use), for every submission.",
        "",
        f"The sandbox's cost: {with_sandbox:.3f} s per submission with it against {without:.3f} s without (the "
        f"same worker, started as a plain process): {(with_sandbox - without) / functions * 1000:.0f} ms per graded "
        f"function ({functions} per submission).",
        "",
        "Per isolation layer, 1 worker (median s per submission; the ratio against bubblewrap's namespaces):",
        *(f"- {name}: " + ("not available on this machine" if row is None else
                           f"{statistics.median(row['per_submission']):.3f} s "
                           f"({statistics.median(row['per_submission']) / with_sandbox:.2f}x)")
          for name, row in layers.items()),
        "",
        "| target | goal | met |", "|---|---|---|",
        *(f"| {measured} | {goal} | {'yes' if met else 'NO'} |" for measured, goal, met in targets),
        "",
        f"Instructor notebook, executed top to bottom: {total:.1f} s, of which {cell_seconds:.1f} s in its cells "
        f"and {training:.1f} s ({training / cell_seconds:.0%} of the cells' time) in the cells that train models.",
    ])
    print(report)
    if args.update:
        write_between(args.update, START, END, report)


if __name__ == "__main__":
    main()
