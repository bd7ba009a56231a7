"""Grading inside real Docker containers run with Docker's default options: Gradescope's route and JupyterHub's.

Where grading really happens, no one grants the grader privileges: Gradescope
runs the bundle as root in a container with Docker's default capabilities and
seccomp profile, and a JupyterHub spawner starts a user's server as uid 1000,
often with every capability dropped and no_new_privs. These tests build both
kinds of container (tests/containers.py; the daemon and the base image come
from .ci/docker) and grade in them, offline:

- Gradescope: the bundle is installed as Gradescope does (setup.sh in a
  container, committed to an image), then each upload is graded in a fresh
  container by run_autograder, with nothing added to Docker's defaults;
- JupyterHub: the kit and a venv in an image, a course directory of several
  students graded by `python -m autograder grade` as uid 1000 with
  --cap-drop ALL and no-new-privileges.

Each route grades the complete instructor solution (10/10), ben's example
submission (3/10: 0, 3, 0, 0) and a hostile notebook. The hostile notebook's
four functions are right, but each first attacks, in the style of
tests/test_hostile.py: a function raises (and so gets 0) if its attack
succeeds, with what it read in its message, and prints what it could read.
It reads the hidden tests, the solution notebook and (JupyterHub) another
student's submission; writes the results; lists the grader's folders; and
starts a detached process (double fork, setsid) that, a second later and for
about ten seconds after it first succeeds, rewrites every results.json it can
reach (Gradescope's, and the grader's in its own format: the course
directory's, run_autograder's temporary one) with a forged 10/10 whose every
message is FORGED. Fully protected, it scores exactly 10/10,
its results are the ones the grader wrote when it exited (each run waits a
few seconds after the grader before reading them), and nothing of the
grader's files appears in what the student gets back. A control in each
container calls the same notebook's functions directly, with no grader and
no sandbox, as that route's grader user: every attack succeeds there, so a
protection that fails shows.

Run (pytest.ini adds --nbval, which only concerns notebooks):

    .ci/docker && GRADER_TEST_DOCKER=1 .venv/bin/python -m pytest tests/test_containers.py -m container \
        -p no:cacheprovider

They skip, saying why, unless GRADER_TEST_DOCKER=1 and a Docker daemon answers with the base image built.
"""

import ast
import json

import containers
import jsonschema
import nbformat
import pytest
from conftest import GRADED_FUNCTIONS, REGULARIZATION, REPO, release_notebook
from test_gradescope import SCHEMA

from autograder import gradescope
from tools.variants import graded_cell, submission

REASON = containers.unavailable()
pytestmark = [pytest.mark.container, pytest.mark.skipif(REASON is not None, reason=REASON or "")]

NAME = REGULARIZATION.name
NOTEBOOK = REGULARIZATION.notebook
POINTS = REGULARIZATION.points
TOTAL = sum(POINTS.values())
BEN = dict(zip(GRADED_FUNCTIONS, (0, 3, 0, 0)))  # the README's table: ben loses all but the L2 backward pass
FORGED = "FORGED-BY-A-LEFTOVER-PROCESS"  # in every results.json the hostile notebook's daemon writes
CANARY = "canary-of-another-students-notebook-5b8e1f"  # in the solution student's notebook (JupyterHub's class)
# Text of the grader's files that must never reach a student: hidden_tests.py, the solution notebook's hidden
# test blocks, another student's notebook.
SECRETS = ("HiddenTests(", "BEGIN HIDDEN TESTS", CANARY)
OTHER = "solution"  # the student whose submission the hostile one reads, in JupyterHub's class
HOSTILE = "hostile"

# What each route's attacks aim at: (files to read, files to write, folders to list, results.json to forge).
TARGETS = {
    "gradescope": dict(
        read=["/autograder/source/source/regularization/hidden_tests.py",
              "/autograder/source/source/regularization/Regularization.ipynb"],
        write=["/autograder/results/results.json"],
        list=["/autograder", "/autograder/source", "/autograder/results"],
        forge=["/autograder/results/results.json", "/tmp/gradescope-*/autograded/*/regularization/results.json"]),
    "jupyterhub": dict(
        read=[f"{containers.KIT}/source/regularization/hidden_tests.py",
              f"{containers.KIT}/source/regularization/Regularization.ipynb",
              f"{containers.COURSE}/submitted/{OTHER}/regularization/Regularization.ipynb"],
        write=[f"{containers.COURSE}/autograded/{HOSTILE}/regularization/results.json",
               f"{containers.COURSE}/grades.csv"],
        list=[containers.HOME, containers.COURSE, f"{containers.COURSE}/submitted", containers.KIT],
        forge=[f"{containers.COURSE}/autograded/*/regularization/results.json"]),
}

# The attacks, one per graded function, each a function of the cell it is written into (a graded cell keeps
# only imports and definitions). {prefix} makes their names unique to the cell.
READ = '''
def {prefix}attack():
    """Read the grader's files (and search the file system for hidden_tests.py); raise with what was read."""
    if getattr({prefix}attack, "done", False):
        return
    {prefix}attack.done = True
    paths, found = list({paths!r}), []
    for top, folders, files in os.walk("/"):
        folders[:] = [f for f in folders if f not in ("proc", "sys", "dev", "usr", "site-packages")]
        paths += [os.path.join(top, f) for f in files if f == "hidden_tests.py"]
    for path in dict.fromkeys(paths):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except Exception:
            continue
        print("hostile: read", path, text)
        lines = [line for line in text.splitlines() if any(secret in line for secret in {secrets!r})]
        found.append(path + ": " + " | ".join(lines)[:400])
    if found:
        raise RuntimeError("hostile: read " + " ;; ".join(found))
'''
FORGE = '''
def {prefix}forged(path):
    """Forged results for the file at path: the grader's format under autograded/ (full marks, every message the
    marker), Gradescope's elsewhere."""
    if "/autograded/" in path:
        student, assignment = path.split("/autograded/", 1)[1].split("/")[:2]
        items = [dict(name=name, score=points, max_score=points, messages=[{marker!r}], cause=None, failed_cases=[])
                 for name, points in {points!r}]
        total = sum(item["score"] for item in items)
        return json.dumps(dict(student_id=student, assignment=assignment, status="graded", score=total,
                               max_score=total, items=items))
    return json.dumps(dict(score=10, output={marker!r}, tests=[]))
'''
WRITE = FORGE + '''
def {prefix}attack():
    """Write the results (a forged score); raise if any write succeeded."""
    if getattr({prefix}attack, "done", False):
        return
    {prefix}attack.done = True
    written = []
    for path in {paths!r}:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "a" if path.endswith(".csv") else "w") as handle:
                handle.write({prefix}forged(path) if path.endswith(".json") else {row!r})
            written.append(path)
        except Exception:
            pass
    if written:
        raise RuntimeError("hostile: wrote " + ", ".join(written))
'''
LIST = '''
def {prefix}attack():
    """List the grader's folders; raise with what was listed."""
    if getattr({prefix}attack, "done", False):
        return
    {prefix}attack.done = True
    listed = []
    for folder in {paths!r}:
        try:
            names = sorted(os.listdir(folder))
        except Exception:
            continue
        print("hostile: listed", folder, names)
        listed.append(folder + ": " + " ".join(names)[:300])
    if listed:
        raise RuntimeError("hostile: listed " + " ;; ".join(listed))
'''
DAEMON = FORGE + '''
def {prefix}attack():
    """Leave a detached process behind (double fork, setsid) that rewrites every results.json it can reach with a
    forged score, from a second after it starts until ten seconds after its first success (two minutes at most).
    It lets a file be two seconds old first: the grader has exited by then (and the tests' copy of the results
    taken when it exited is the grader's), but the tests read the results later still."""
    if getattr({prefix}attack, "done", False):
        return
    {prefix}attack.done = True
    try:
        first = os.fork()
    except Exception:
        return
    if first:
        try:
            os.waitpid(first, 0)
        except Exception:
            pass
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        os.closerange(0, 65536)  # hold none of the grader's pipes open
        os.open(os.devnull, os.O_RDWR)
        os.dup2(0, 1)
        os.dup2(0, 2)
        time.sleep(1)
        end, stop = time.monotonic() + 120, None
        while time.monotonic() < min(end, stop or end):
            for pattern in {paths!r}:
                for path in glob.glob(pattern):
                    try:
                        if time.time() - os.stat(path).st_mtime < 2:
                            continue
                        with open(path) as handle:
                            if {marker!r} in handle.read():
                                continue
                        with open(path, "w") as handle:
                            handle.write({prefix}forged(path))
                        stop = stop or time.monotonic() + 10
                    except Exception:
                        pass
            time.sleep(0.2)
    finally:
        os._exit(0)
'''
ATTACKS = dict(zip(GRADED_FUNCTIONS, ((READ, "read"), (WRITE, "write"), (LIST, "list"), (DAEMON, "forge"))))
FORGED_ROW = f"{HOSTILE},{NAME},total,10,10,{FORGED}\n"  # appended to grades.csv


def hostile_cell(function, route, forge=None):
    """The graded cell of function: the instructor's solution, renamed, behind a wrapper that attacks first.

    The wrapper has the solution's signature and returns what the solution returns, so the function is right
    exactly when its attack does nothing visible (it raises when the attack succeeds). forge -- the results.json
    files (glob patterns) the leftover process rewrites (default: the route's TARGETS).
    """
    solution = graded_cell(REGULARIZATION.source_notebook, function)
    [definition] = [node for node in ast.parse(solution).body if isinstance(node, ast.FunctionDef)]
    header = ast.get_source_segment(solution, definition).splitlines()[0]  # def name(arguments):
    arguments = ", ".join(argument.arg for argument in definition.args.args)
    prefix = f"_hostile_{function}_"
    template, kind = ATTACKS[function]
    paths = forge if kind == "forge" and forge is not None else TARGETS[route][kind]
    attack = template.format(prefix=prefix, paths=paths, secrets=SECRETS, marker=FORGED, row=FORGED_ROW,
                             points=list(POINTS.items()))
    right = solution.removeprefix(f"# GRADED FUNCTION: {function}\n").replace(
        f"def {function}(", f"def {prefix}right(", 1)
    return (f"# GRADED FUNCTION: {function}\n\nimport glob\nimport json\nimport os\nimport time\n{attack}\n{right}\n\n"
            f"{header}\n    {prefix}attack()\n    return {prefix}right({arguments})\n")


def hostile_notebook(route, forge=None):
    """The hostile submission for a route (gradescope or jupyterhub): the release with every graded cell
    replaced by hostile_cell's."""
    notebook = submission(release_notebook(REGULARIZATION), REGULARIZATION.source_notebook)
    for cell in notebook.cells:
        function = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and function in ATTACKS:
            cell.source = hostile_cell(function, route, forge)
    return nbformat.writes(notebook).encode()


def solution_bytes(canary=False):
    """The complete instructor solution as a student's notebook (with CANARY in a comment if canary)."""
    notebook = submission(release_notebook(REGULARIZATION), REGULARIZATION.source_notebook)
    if canary:
        graded = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
        graded.source += f"\n# my notes: {CANARY}\n"
    return nbformat.writes(notebook).encode()


def ben_bytes():
    return (REPO / "examples" / "submissions" / "ben" / NAME / NOTEBOOK).read_bytes()


def gradescope_scores(results):
    return {test["name"]: test["score"] for test in results["tests"]}


def class_scores(results):
    return {item["name"]: item["score"] for item in results["items"]}


def show(what, stdout, stderr=""):
    """Print a run's output (pytest shows it when a test fails)."""
    print(f"----- {what}: stdout -----\n{stdout[-6000:]}\n----- {what}: stderr -----\n{stderr[-4000:]}")


def assert_no_secrets(text, where):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r}, from the grader's files, reached the student in {where}"
    assert FORGED not in text, f"{where} holds the forged results of a process the submission left behind"


# ---------------------------------------------------------------------------
# Fixtures: the wheelhouse, the two images, the graded JupyterHub class
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def report_timings(request):
    """Print how long the containers' steps took, after the module's tests."""
    yield
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None and containers.TIMINGS:
        reporter.write_line("")
        reporter.write_line("container steps (tests/containers.py):")
        for what, seconds in containers.TIMINGS:
            reporter.write_line(f"  {seconds:7.1f} s  {what}")


@pytest.fixture(scope="module")
def wheels():
    return containers.wheelhouse()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return gradescope.build(NAME, tmp_path_factory.mktemp("container-bundle") / "autograder.zip")


@pytest.fixture(scope="module")
def gradescope_image(bundle, wheels):
    return containers.gradescope_image(bundle, wheels)


@pytest.fixture(scope="module")
def jupyterhub_image(wheels):
    return containers.jupyterhub_image(wheels)


def submitted(student, data):
    return {f"submitted/{student}/{NAME}/{NOTEBOOK}": data}


@pytest.fixture(scope="module")
def jupyterhub_class(jupyterhub_image):
    """One `grade` run, as uid 1000 in a JupyterHub-like container, of the solution, ben's and the hostile one."""
    files = {**submitted(OTHER, solution_bytes(canary=True)), **submitted("ben", ben_bytes()),
             **submitted(HOSTILE, hostile_notebook("jupyterhub"))}
    graded = containers.grade_class(jupyterhub_image, files)
    show("grade in the JupyterHub-like container", graded.stdout, graded.stderr)
    return graded


def upload(image, data, **options):
    """Grade one upload on the Gradescope route; checks run_autograder's exit and results.json's format."""
    graded = containers.grade_upload(image, {NOTEBOOK: data}, **options)
    show("run_autograder in the Gradescope container", graded.stdout, graded.stderr)
    assert graded.returncode == 0, "run_autograder failed"
    assert graded.results is not None, "run_autograder left no results.json"
    return graded


def check_gradescope_results(results):
    jsonschema.validate(results, SCHEMA)
    assert [test["name"] for test in results["tests"]] == list(GRADED_FUNCTIONS)
    assert results["score"] == sum(test["score"] for test in results["tests"])


def check_class_results(graded, student):
    results = graded.results(student)
    assert results is not None, f"grading wrote no results.json for {student}"
    assert "unreadable" not in results, f"{student}'s results.json is not JSON: {results['unreadable'][:300]}"
    print(f"{student}: {json.dumps(results)[:3000]}")
    assert [item["name"] for item in results["items"]] == list(GRADED_FUNCTIONS), results
    return results


# ---------------------------------------------------------------------------
# The infrastructure itself
# ---------------------------------------------------------------------------

def test_the_hostile_functions_pass_the_visible_tests_once_their_attacks_are_removed(solution):
    """In this process, with each attack replaced by nothing, each hostile function passes its visible test (so a
    run where every attack fails must give full marks)."""
    from autograder import assignments

    public = assignments.module(NAME, "public_tests")
    for function in GRADED_FUNCTIONS:
        scope = dict(solution)
        exec(compile(hostile_cell(function, "gradescope"), function, "exec"), scope)
        assert scope[function] is not solution[function]
        scope[f"_hostile_{function}_attack"] = lambda: None
        getattr(public, f"{function}_test")(scope[function])  # raises unless right


def test_the_gradescope_image_is_built_as_gradescope_builds_it(gradescope_image):
    log = containers.setup_log(gradescope_image)
    print(log[-4000:])
    assert "Successfully installed" in log and "numpy-" in log, "setup.sh did not install the requirements"
    # setup.sh ends with doctor's verdict, whichever it is.
    assert "Protections for student code" in log or "cannot be isolated" in log


# ---------------------------------------------------------------------------
# Gradescope's route: root, Docker's defaults
# ---------------------------------------------------------------------------

def test_gradescope_solution_gets_full_marks(gradescope_image):
    graded = upload(gradescope_image, solution_bytes())
    check_gradescope_results(graded.results)
    assert graded.results["score"] == TOTAL, graded.results["output"]
    assert gradescope_scores(graded.results) == POINTS
    assert graded.at_exit == graded.results


def test_gradescope_ben_gets_3(gradescope_image):
    graded = upload(gradescope_image, ben_bytes())
    check_gradescope_results(graded.results)
    assert gradescope_scores(graded.results) == BEN, graded.results["output"]
    assert graded.results["score"] == 3


def test_gradescope_hostile_gets_exactly_what_it_deserves_and_sees_nothing(gradescope_image):
    graded = upload(gradescope_image, hostile_notebook("gradescope"))
    assert graded.results == graded.at_exit, ("results.json changed after run_autograder exited: a process the "
                                              "submission left rewrote it")
    assert_no_secrets(graded.text, "results.json")
    check_gradescope_results(graded.results)
    assert gradescope_scores(graded.results) == POINTS, graded.results["output"]
    assert graded.results["score"] == TOTAL


# ---------------------------------------------------------------------------
# The JupyterHub-like route: uid 1000, no capabilities, no_new_privs
# ---------------------------------------------------------------------------

def test_jupyterhub_grade_finishes(jupyterhub_class):
    assert jupyterhub_class.returncode == 0, "grade failed (its output is above)"


def test_jupyterhub_solution_gets_full_marks(jupyterhub_class):
    results = check_class_results(jupyterhub_class, OTHER)
    assert class_scores(results) == POINTS
    assert results == jupyterhub_class.results_at_exit(OTHER), "results.json changed after grade exited"


def test_jupyterhub_ben_gets_3(jupyterhub_class):
    results = check_class_results(jupyterhub_class, "ben")
    assert class_scores(results) == BEN
    assert sum(class_scores(results).values()) == 3
    assert results == jupyterhub_class.results_at_exit("ben"), "results.json changed after grade exited"


def test_jupyterhub_hostile_gets_exactly_what_it_deserves_and_sees_nothing(jupyterhub_class):
    for student in (OTHER, "ben", HOSTILE):
        assert jupyterhub_class.results(student) == jupyterhub_class.results_at_exit(student), (
            f"{student}'s results.json changed after grade exited: a process the hostile submission left rewrote it")
    seen = jupyterhub_class.seen_by(HOSTILE)
    assert seen, "the hostile student got nothing back"
    assert_no_secrets(seen, "the hostile student's results.json and feedback")
    results = check_class_results(jupyterhub_class, HOSTILE)
    assert class_scores(results) == POINTS
    assert FORGED.encode() not in jupyterhub_class.course.get("grades.csv", b""), "grades.csv was forged"


# ---------------------------------------------------------------------------
# Controls: the attacks are live in each container when nothing protects against them
# ---------------------------------------------------------------------------

# Where the control finds the assignment's helpers, the hostile notebook, and where it writes results as a grader
# would (so that the leftover process has results to forge).
CONTROL = {
    "gradescope": dict(support="/autograder/source/source/regularization",
                       notebook=f"/autograder/submission/{NOTEBOOK}", results="/autograder/results/results.json"),
    "jupyterhub": dict(support=f"{containers.KIT}/source/regularization",
                       notebook=f"{containers.COURSE}/submitted/{HOSTILE}/{NAME}/{NOTEBOOK}",
                       results=f"{containers.COURSE}/autograded/{HOSTILE}/{NAME}/results.json"),
}
CONTROL_SCRIPT = '''
"""Call the hostile notebook's graded functions directly, with no grader and no sandbox, on the visible tests."""
import ast, json, os, sys
sys.path.insert(0, {support!r})
import public_tests
notebook = json.load(open({notebook!r}))
scope, outcome = {{}}, {{}}
for cell in notebook["cells"]:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if cell["cell_type"] != "code":
        continue
    plain = "\\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        statements = ast.parse(plain).body  # (IPython's magics left out)
    except SyntaxError:
        continue
    imports = [s for s in statements if isinstance(s, (ast.Import, ast.ImportFrom))]
    exec(compile(ast.Module(body=imports, type_ignores=[]), "imports", "exec"), scope)  # numpy, the helpers
for cell in notebook["cells"]:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if cell["cell_type"] == "code" and source.startswith("# GRADED FUNCTION: "):
        name = source.splitlines()[0].split(": ", 1)[1].strip()
        try:
            exec(source, scope)
            getattr(public_tests, name + "_test")(scope[name])
            outcome[name] = "passed"
        except BaseException as error:
            outcome[name] = type(error).__name__ + ": " + str(error)
json.dump(outcome, open("/tmp/outcome.json", "w"))
os.makedirs(os.path.dirname({results!r}), exist_ok=True)
with open({results!r}, "w") as handle:  # as a grader would when it is done
    json.dump({{"score": 0, "output": "written by the control", "tests": [], "items": []}}, handle)
'''


@pytest.mark.parametrize("route", ["gradescope", "jupyterhub"])
def test_control_every_attack_succeeds_where_nothing_protects(route, request):
    """The hostile notebook's functions, called directly (no grader, no sandbox) as the route's grader user in the
    route's container: the attacks that raise do (having read the hidden tests, the solution notebook and, on
    JupyterHub, another student's notebook), and the leftover process rewrites the results after the script
    exits, before the harness reads them. So the protected runs above test something."""
    image = request.getfixturevalue(f"{route}_image")
    paths = CONTROL[route]
    if route == "gradescope":
        entries = [containers.Entry(paths["notebook"].lstrip("/"), hostile_notebook(route))]
    else:
        entries = containers.course_entries({**submitted(OTHER, solution_bytes(canary=True)),
                                             **submitted(HOSTILE, hostile_notebook(route))})
    entries.append(containers.Entry("tmp/control.py", CONTROL_SCRIPT.format(**paths).encode()))
    command = (f"{containers.python(route)} /tmp/control.py; status=$?; cp {paths['results']} /tmp/at-exit.json; "
               f"sleep {containers.SETTLE}; exit $status")
    done = containers.run(image, route, command, entries, ["/tmp/outcome.json", "/tmp/at-exit.json",
                                                           paths["results"]], what=f"the control in {image}")
    show(f"the control ({route})", done.stdout, done.stderr)
    assert done.returncode == 0
    outcome = json.loads(done.files["/tmp/outcome.json"]["outcome.json"])
    print(json.dumps(outcome, indent=1)[:6000])
    read, write, listing, daemon = (outcome[function] for function in GRADED_FUNCTIONS)
    # (The visible tests report what a function raised: "... raised RuntimeError: hostile: ...".)
    assert "RuntimeError: hostile: read " in read and "HiddenTests(" in read and "BEGIN HIDDEN TESTS" in read
    if route == "jupyterhub":
        assert CANARY in read
    assert "RuntimeError: hostile: wrote " in write
    assert "RuntimeError: hostile: listed " in listing
    assert daemon == "passed"
    assert FORGED not in done.files["/tmp/at-exit.json"]["at-exit.json"].decode()
    final = done.files[paths["results"]]["results.json"].decode()
    assert FORGED in final, "the leftover process did not rewrite the results within the harness's wait"


# ---------------------------------------------------------------------------
# doctor in each container
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("route", ["gradescope", "jupyterhub"])
def test_doctor_finds_a_sandbox_in_the_container(route, request):
    image = request.getfixturevalue(f"{route}_image")
    result = containers.doctor(image, route)
    show(f"doctor ({route})", result.stdout, result.stderr)
    assert result.returncode == 0, f"doctor found no way to isolate student code in the {route} container"
    assert "Protections for student code" in result.stdout
    assert "layer: landlock " in result.stdout and "seen from the inside (landlock)" in result.stdout
    assert "bubblewrap cannot make its namespaces here" in result.stdout  # and says why
