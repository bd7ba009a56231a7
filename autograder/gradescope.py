"""Gradescope's route: an autograder bundle (a zip) for one assignment, and what the bundle runs per submission.

    python -m autograder gradescope <assignment> [--output autograder.zip]   (autograder.commands.gradescope)
    python -m autograder.gradescope run <assignment> [--deadline SECONDS]     (in the bundle only)

`build` writes the bundle (the `gradescope` command calls it). At its root:
setup.sh and run_autograder (the two files Gradescope requires,
executable), the pinned requirements.txt, the
autograder package, the course-wide helpers (checking.py, reg_utils.py,
testCases.py, datasets/) and source/<assignment>/ with only that
assignment's notebook, public and hidden tests and copies of the files it
links to: no mutants.py, no other assignment, no development tools. The zip
is the same, byte for byte, for the same files (fixed times and modes,
sorted entries).

Gradescope unpacks the bundle into $AUTOGRADER_ROOT/source (/autograder/source),
runs setup.sh once when it builds the image (a Python >= 3.11 virtual
environment in $AUTOGRADER_ROOT/venv) and run_autograder per submission,
which runs `run` (`python -m autograder.gradescope run`: the bundle's
internal entry, not a command for people). It finds the notebook among the
uploaded files ($AUTOGRADER_ROOT/submission/), lays it out as nbgrader's collect would in a
temporary course directory, grades it with `python -m autograder grade` (in a
subprocess, with a deadline; student code runs in its sandbox) and writes
$AUTOGRADER_ROOT/results/results.json in Gradescope's format: one test per
graded function, with the grader's messages (which never show a hidden
case's expected values). A submission that cannot be graded (no notebook, not
a notebook) gets 0 points and a message saying what to upload; a grader that
refuses to run gets 0 points and a message for the instructor.

Gradescope's container (root, Docker's default capabilities and seccomp
profile) allows no namespaces, so student code runs in the sandbox's layer
without them (autograder.sandbox: Landlock and a uid of its own). setup.sh
makes the bundle's folder private to root and fails the image's build when
no layer can be had, so the instructor learns it before students submit.
There is no way to build a bundle that grades without a sandbox.
"""

import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from autograder import assignments, grading, templates
from autograder.coursedir import CourseDirectory
from autograder.errors import BundleError
from autograder.outputs.files import number, write_atomically, write_zip

KIT = assignments.KIT  # the course kit's folder (in a bundle: the bundle's folder)
ROOT_VARIABLE = "AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
HELPERS = ("checking.py", "reg_utils.py", "testCases.py")  # course-wide modules the grader imports
DEVELOPMENT_ONLY = ("mutants.py",)  # files of source/<name>/ that grading does not need
SKIPPED = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store")
STUDENT = "submission"  # the student id of the one submission in the temporary course directory
IGNORED_UPLOADS = ("__MACOSX", ".ipynb_checkpoints")  # folders of an upload that hold no submission





# ---------------------------------------------------------------------------
# The bundle
# ---------------------------------------------------------------------------

def _files(folder, prefix, seen=None):
    """(name in the zip, real path) of every file under folder, links followed, caches and dev-only files left out.

    Raises BundleError on a broken link.
    """
    seen = set() if seen is None else seen
    resolved = folder.resolve()
    if resolved in seen:  # a link back to a folder already walked
        return []
    seen.add(resolved)
    found = []
    for path in sorted(folder.iterdir()):
        if path.name in SKIPPED or path.name in DEVELOPMENT_ONLY or path.name.endswith(".pyc"):
            continue
        target = path.resolve()
        name = f"{prefix}/{path.name}"
        if target.is_dir():
            found += _files(path, name, seen)
        elif target.is_file():
            found.append((name, target))
        else:
            raise BundleError(f"{path} is a broken link (to {os.readlink(path)}): fix or remove it, then build again")
    return found


def contents(name):
    """{name in the zip: (bytes, mode)} of the bundle of assignment name; raises AssignmentError if there is none."""
    assignment = assignments.load(name)  # checks that the notebook and the hidden tests agree
    arguments = shlex.quote(assignment.name)
    entries = {"setup.sh": (templates.render("gradescope/setup.sh").encode(), 0o755),
               "run_autograder": (templates.render("gradescope/run_autograder", arguments=arguments).encode(), 0o755)}
    files = [("requirements.txt", KIT / "requirements.txt")] + [(helper, KIT / helper) for helper in HELPERS]
    files += [(entry, path) for entry, path in _files(Path(__file__).resolve().parent, "autograder")
              if entry.endswith(".py") or entry.startswith("autograder/templates/")]  # not whatever else lies there
    files += _files(KIT / "datasets", "datasets")
    files += _files(assignment.source_notebook.parent, f"source/{assignment.name}")
    for entry, path in files:
        if not path.is_file():
            raise BundleError(f"{path} is missing, and the bundle needs it: restore it (git checkout) and build again")
        entries[entry] = (path.read_bytes(), 0o644)
    return entries


def build(name, output):
    """Write the Gradescope autograder bundle of assignment name to the zip output; returns its path.

    The same files give the same bytes. Raises AssignmentError for an unknown assignment, BundleError when
    the bundle cannot be written.
    """
    output = Path(output)
    if output.is_dir():
        raise BundleError(f"{output} is a folder: give the zip's file name, e.g. --output {output / 'autograder.zip'}")
    if not output.parent.is_dir():
        raise BundleError(f"there is no folder {output.parent} to write {output.name} into: create it first")
    return write_zip(output, contents(name))


# ---------------------------------------------------------------------------
# Grading one submission on Gradescope
# ---------------------------------------------------------------------------

def _upload_advice(notebook):
    return (f"Upload your {notebook}: in Jupyter, save it (File > Save Notebook), download it (File > Download) "
            "and submit that file.")


def find_notebook(folder, notebook):
    """The uploaded notebook to grade, in folder (what the student uploaded, unpacked).

    The file called notebook (the shallowest, anywhere below folder), else the only .ipynb.
    Returns (path, None) or (None, what is wrong and what to upload).
    """
    advice = _upload_advice(notebook)
    if not folder.is_dir():
        return None, f"nothing was uploaded. {advice}"
    candidates = []
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in IGNORED_UPLOADS and not f.startswith("._"))
        candidates += [Path(parent, f) for f in sorted(files) if f.endswith(".ipynb") and not f.startswith("._")]

    def depth(path):
        return len(path.relative_to(folder).parts)

    named = sorted((p for p in candidates if p.name == notebook), key=lambda p: (depth(p), str(p)))
    if named:
        if len(named) > 1 and depth(named[1]) == depth(named[0]):
            return None, (f"there are {len(named)} copies of {notebook} in the upload "
                          f"({', '.join(str(p.relative_to(folder)) for p in named)}): submit only one.")
        return named[0], None
    if len(candidates) == 1:
        return candidates[0], None
    if candidates:
        listed = ", ".join(str(p.relative_to(folder)) for p in candidates)
        return None, f"the upload holds several notebooks ({listed}) and none is called {notebook}. {advice}"
    uploaded = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    found = f" (found: {', '.join(uploaded[:10])}{', ...' if len(uploaded) > 10 else ''})" if uploaded else ""
    return None, f"there is no notebook (.ipynb file) in the upload{found}. {advice}"


def read_notebook(path, notebook):
    """The uploaded notebook file's bytes, checked to be a notebook's JSON.

    Returns (data, None) or (None, what is wrong and what to upload).
    """
    advice = _upload_advice(notebook)
    shown = path.name
    try:
        data = grading.read_regular(path, grading.MAX_NOTEBOOK_BYTES)
    except grading.NotRegular:
        return None, f"{shown} is not a file. {advice}"
    except grading.TooLarge as error:
        return None, (f"{shown} is {error.size / 2**20:.0f} MB, more than a submission needs "
                      f"({grading.MAX_NOTEBOOK_BYTES // 2**20} MB at most): clear its outputs (Edit > Clear "
                      "Outputs of All Cells), save it and submit it again.")
    except OSError as error:
        return None, (f"{shown} could not be opened ({error.strerror}); a link is not a notebook. {advice}")
    try:
        content = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"{shown} is not a notebook: it is not text (a PDF, an image or an archive renamed?). {advice}"
    except (ValueError, RecursionError) as error:
        return None, f"{shown} is not a notebook: it is not valid JSON ({str(error)[:120]}). {advice}"
    if not isinstance(content, dict) or not ("cells" in content or "worksheets" in content):
        return None, f"{shown} is JSON but not a Jupyter notebook (it has no cells). {advice}"
    return data, None


def default_deadline(assignment):
    """Seconds that grading one submission may take: start-up, then each graded function's timeout, with room."""
    return 120 + 1.5 * assignment.hidden.timeout * len(assignment.functions)


def gradescope_results(assignment, items, output, seconds):
    """Gradescope's results.json: one visible test per graded function (items: results.json's items)."""
    tests = [{"name": item["name"], "score": number(item["score"]), "max_score": number(item["max_score"]),
              "status": "passed" if item["score"] >= item["max_score"] else "failed",
              "output": "\n\n".join(item["messages"]), "visibility": "visible"} for item in items]
    return {"score": number(sum(test["score"] for test in tests)), "execution_time": int(round(seconds)),
            "output": output, "stdout_visibility": "hidden", "tests": tests}


def zero_items(assignment, message):
    """results.json items giving each graded function 0 points, with message."""
    return [{"name": name, "score": 0, "max_score": assignment.points[name], "messages": [message]}
            for name in assignment.functions]


def _summary(assignment, items):
    """The overall output of a graded submission: its score, and each function's."""
    score = sum(item["score"] for item in items)
    total = sum(item["max_score"] for item in items)
    lines = [f"{assignment.notebook}: {number(score)} / {number(total)} points."]
    lines += [f"  {item['name']}: {number(item['score'])} / {number(item['max_score'])}" for item in items]
    lines.append("Each graded function is tested on the documented case and on hidden cases (other sizes and "
                 "hyper-parameters); it gets its points when it passes all of them. Details below.")
    return "\n".join(lines)


def _not_graded(assignment, reason):
    """(items, output) of a submission that was not graded, for reason (a sentence)."""
    return zero_items(assignment, f"Not graded: {reason}"), f"This submission was not graded (0 points): {reason}"


def _grader_refused(assignment, error_line):
    """(items, output) when `grade` refused to run (exit 2): a message for the instructor, not the student."""
    reason = error_line.removeprefix("error: ").strip() or "no reason given"
    # Not the grader's advice to add --unsafe-no-sandbox: a bundle never grades without a sandbox.
    reason = " ".join(sentence for sentence in re.split(r"(?<=\.) ", reason) if "--unsafe-no-sandbox" not in sentence)
    instructor = ("This is not a problem with your submission: tell your instructor.\n\nInstructor: the "
                  f"autograder refused to run: {reason}")
    return (zero_items(assignment, "Not graded: the autograder could not run (see the message above)."),
            f"This submission was not graded (0 points). {instructor}")


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def grade(assignment, data, deadline):
    """Grade one notebook (its bytes) with `python -m autograder grade` in a temporary course directory.

    Returns (items, output): results.json's items, one per graded function in order, and the summary.
    """
    bundle = Path(__file__).resolve().parents[1]
    environment = {**os.environ, "PYTHONPATH": str(bundle)}
    with tempfile.TemporaryDirectory(prefix="gradescope-") as temporary:
        course = Path(temporary)
        folder = CourseDirectory(course).format_path("submitted", STUDENT, assignment.name)
        folder.mkdir(parents=True)
        (folder / assignment.notebook).write_bytes(data)
        command = [sys.executable, "-m", "autograder", "grade", assignment.name, "--course-dir", str(course),
                   "--quiet", "--jobs", "1"]
        process = subprocess.Popen(command, cwd=bundle, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=deadline)
        except subprocess.TimeoutExpired:
            _kill(process)
            stdout, stderr = process.communicate()
            print(stdout, stderr, sep="\n")
            return _not_graded(assignment, f"grading took more than {deadline:.0f} s and was stopped. Look for a "
                                           "loop that never ends or a very slow computation (a full training run "
                                           "in a graded function?) and submit again.")
        finally:
            _kill(process)  # whatever the grader left behind
        # The grader's log is for the instructor only (stdout_visibility: hidden).
        print(f"$ {' '.join(command)}\n(exit status {process.returncode})\n{stdout}{stderr}")
        path = CourseDirectory(course).results(STUDENT, assignment.name)
        if process.returncode == 2:
            errors = [line for line in stderr.splitlines() if line.startswith("error:")]
            return _grader_refused(assignment, errors[-1] if errors else "")
        if process.returncode not in (0, 1) or not path.is_file():
            # A crash of the grader: its traceback may quote hidden tests, so it stays in the instructor's log.
            return _not_graded(assignment, f"the autograder failed (exit status {process.returncode}). This is not "
                                           "a problem with your submission: tell your instructor (the log is in "
                                           "the autograder's output).")
        graded = json.loads(path.read_text(encoding="utf-8"))
    items = graded["items"]
    if [item["name"] for item in items] != list(assignment.functions):
        raise RuntimeError(f"the grader's results name {[item['name'] for item in items]}, "
                           f"not the assignment's functions {list(assignment.functions)}")
    if graded["status"] != "graded":
        return items, (f"This submission could not be graded (0 points): {graded.get('reason', 'no reason given')}. "
                       "Submit it again; if this happens again, tell your instructor.")
    return items, _summary(assignment, items)


def run(name, root, deadline=None):
    """Grade root/submission/ (what the student uploaded) and write root/results/results.json.

    deadline -- seconds for the grader (default: default_deadline)
    Returns the results written.
    """
    start = time.monotonic()
    root = Path(root)
    assignment = assignments.load(name)
    deadline = deadline or default_deadline(assignment)
    path, problem = find_notebook(root / "submission", assignment.notebook)
    data = None
    if path is not None:
        data, problem = read_notebook(path, assignment.notebook)
    if problem is not None:
        items, output = _not_graded(assignment, problem)
    else:
        items, output = grade(assignment, data, deadline)
        if path.name != assignment.notebook:
            output += f"\n(The uploaded {path.relative_to(root / 'submission')} was graded as {assignment.notebook}.)"
    results = gradescope_results(assignment, items, output, time.monotonic() - start)
    write_results(root, results)
    print(output)
    return results


def write_results(root, results):
    """Write root/results/results.json (whole or not at all); returns its path."""
    path = Path(root) / "results" / "results.json"
    write_atomically(path, json.dumps(results, indent=2) + "\n")
    return path


def _run_command(args):
    """`run`: grade the submission in $AUTOGRADER_ROOT; always leaves a results.json. Returns the exit status."""
    root = Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)
    try:
        run(args.assignment, root, args.deadline)
        return 0
    except Exception as error:  # a bug or a broken bundle: say so to the instructor, never leave no score
        traceback.print_exc(file=sys.stdout)
        write_results(root, {"score": 0, "output": "This submission was not graded (0 points): the autograder "
                                                   f"failed ({type(error).__name__}). This is not a problem with "
                                                   "your submission: tell your instructor (the log is in the "
                                                   "autograder's output).",
                             "stdout_visibility": "hidden", "tests": []})
        return 1


def parser():
    main_parser = argparse.ArgumentParser(
        prog="python -m autograder.gradescope",
        description="The Gradescope bundle's entry, run per submission by its run_autograder (the bundle itself is "
                    "written by `python -m autograder gradescope`).")
    actions = main_parser.add_subparsers(dest="action", required=True)
    run_parser = actions.add_parser("run", help="(in the bundle, from run_autograder) grade $AUTOGRADER_ROOT/"
                                                "submission/ into $AUTOGRADER_ROOT/results/results.json")
    run_parser.add_argument("assignment")
    run_parser.add_argument("--deadline", type=float, metavar="SECONDS",
                            help="stop grading after this many seconds (default: from the hidden tests' timeout)")
    return main_parser


def main(argv=None):
    sys.exit(_run_command(parser().parse_args(argv)))


if __name__ == "__main__":
    main()
