"""The similarity report: planted copies rank above an honest class; its files, its warning; bad notebooks skipped.

The honest class is Regularization's example students, its correct variants and its mutants, each its own
student. Into it are planted four copies: (a) a student's notebook with its names renamed, (b) one with
statements reordered where the order does not matter, (c) one with its comments, blank lines and spacing
changed, (d) one function copied into an otherwise different notebook.
"""

import contextlib
import html
import io
import itertools
import json
import re
import shutil
import tokenize
from types import SimpleNamespace

import nbformat
import pytest
from conftest import REGULARIZATION, REPO, release_notebook, submit

from autograder import assignments, commands, errors, similarity
from autograder.inside.cells import MARKER
from tools.variants import by_mistake, submission

VARIANTS = assignments.module("regularization", "mutants")
COST, BACKWARD_L2, FORWARD, BACKWARD_DROPOUT = REGULARIZATION.functions
RENAMED = {"W1": "w_first", "W2": "w_second", "W3": "w_third", "m": "n_examples", "lambd": "reg",
           "L2_regularization_cost": "l2_cost", "cost": "total", "D1": "mask_1", "D2": "mask_2", "A1": "act_1",
           "A2": "act_2", "keep_prob": "kp", "dA1": "grad_a1", "dA2": "grad_a2", "dW1": "grad_w1", "dW2": "grad_w2",
           "dW3": "grad_w3", "dZ3": "grad_z3", "cache": "stash", "gradients": "grads", "parameters": "params"}


def student_of(variant):
    """The id of the honest student whose notebook is the solution with this one variant."""
    if variant in VARIANTS.MUTANTS:
        return f"mutant-{VARIANTS.MUTANTS.index(variant):02d}"
    return f"correct-{VARIANTS.CORRECT.index(variant):02d}"


SOURCE_OF_D = student_of(by_mistake(VARIANTS.MUTANTS, "square of the sum"))  # its COST cell is copied
COMMENTED = student_of(by_mistake([m for m in VARIANTS.MUTANTS if m.function == BACKWARD_DROPOUT],
                                  "scaled by 1 - keep_prob"))
PLANTED = {"copy-renamed": ("dev", None), "copy-reordered": ("ben", None), "copy-comments": (COMMENTED, None),
           "copy-function": (SOURCE_OF_D, COST)}  # copy: (the student copied, the function copied or None)
BROKEN = ("broken-json", "no-graded-cells")


def graded(notebook):
    """{function: its graded cell} of an nbformat notebook."""
    return {cell.source.splitlines()[0].removeprefix(MARKER): cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.source.startswith(MARKER)}


def renamed(source, mapping):
    """The source with the names in mapping renamed, as an editor's rename does (strings and comments kept)."""
    lines = source.split("\n")
    names = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
             if t.type == tokenize.NAME and t.string in mapping]
    for token in reversed(names):
        row, column = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:column] + mapping[token.string] + line[column + len(token.string):]
    return "\n".join(lines)


def swapped(source, first, second):
    """The source with the two lines that start (after indentation) with first and second swapped."""
    lines = source.split("\n")
    [i] = [n for n, line in enumerate(lines) if line.strip().startswith(first)]
    [j] = [n for n, line in enumerate(lines) if line.strip().startswith(second)]
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def recommented(source):
    """The source without its comments (but the marker line, which the grader needs), with spacing after commas
    removed and a new comment and a blank line after every statement."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.split("\n")
    for token in reversed([t for t in tokens if t.type == tokenize.COMMENT and not t.string.startswith(MARKER)]):
        row, column = token.start
        lines[row - 1] = lines[row - 1][:column].rstrip()
    ends = {t.end[0] for t in tokens if t.type == tokenize.NEWLINE}
    out = []
    for number, line in enumerate(lines, 1):
        out.append(line.replace(", ", ",") if '"""' not in line and "'''" not in line else line)
        if number in ends and line.startswith("    "):
            out += ["    # worked this out myself", ""]
    return "\n".join(out)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The similarity command run on the honest class with the planted copies and broken notebooks.

    Returns a namespace: course, analysis, entries (similarity.json), page (similarity.html), printed (stdout and
    stderr).
    """
    course = tmp_path_factory.mktemp("similarity")
    release, source = release_notebook(REGULARIZATION), REGULARIZATION.source_notebook
    notebooks = {}
    for student in VARIANTS.EXAMPLES:
        notebooks[student] = nbformat.read(REPO / "examples" / "submissions" / student / "regularization"
                                           / REGULARIZATION.notebook, as_version=4)
    for variant in VARIANTS.MUTANTS + VARIANTS.CORRECT:
        notebooks[student_of(variant)] = submission(release, source, [variant])
    # (a) names renamed
    copy = nbformat.from_dict(notebooks["dev"])
    for cell in graded(copy).values():
        cell.source = renamed(cell.source, RENAMED)
    notebooks["copy-renamed"] = copy
    # (b) statements reordered where the order does not matter: given lines and the student's own
    copy = nbformat.from_dict(notebooks["ben"])
    cells = graded(copy)
    cells[COST].source = swapped(cells[COST].source, 'W2 = parameters["W2"]', 'W3 = parameters["W3"]')
    cells[FORWARD].source = swapped(cells[FORWARD].source, 'b1 = parameters["b1"]', 'W2 = parameters["W2"]')
    cells[FORWARD].source = swapped(cells[FORWARD].source, "A2 = A2 * D2", "A2 = A2 / keep_prob")
    cells[BACKWARD_DROPOUT].source = swapped(cells[BACKWARD_DROPOUT].source, "dA1 = dA1 * D1", "dA1 = dA1 / keep_prob")
    cells[BACKWARD_DROPOUT].source = swapped(cells[BACKWARD_DROPOUT].source, "dW3 = ", "db3 = ")
    notebooks["copy-reordered"] = copy
    # (c) comments, blank lines and spacing changed
    copy = nbformat.from_dict(notebooks[COMMENTED])
    for cell in graded(copy).values():
        cell.source = recommented(cell.source)
    notebooks["copy-comments"] = copy
    # (d) one function copied into a notebook that is otherwise another student's
    copy = submission(release, source, [VARIANTS.CORRECT[7]])
    graded(copy)[COST].source = graded(notebooks[SOURCE_OF_D])[COST].source
    notebooks["copy-function"] = copy
    # Odd cells: a syntax error with an IPython magic, a cell too long to compare
    odd = submission(release, source)
    graded(odd)[COST].source += "\n%timeit compute_cost_with_regularization(A3, Y, parameters, 0.1\n"
    graded(odd)[FORWARD].source += "\n# padding\n" * 10_000
    notebooks["odd-cells"] = odd
    # Broken: not JSON; a notebook whose graded cells lost their first line
    headless = submission(release, source)
    for cell in graded(headless).values():
        cell.source = cell.source.split("\n", 1)[1]
    notebooks["no-graded-cells"] = headless
    for student, notebook in notebooks.items():
        submit(course, student, REGULARIZATION, notebook)
    folder = course / "submitted" / "broken-json" / "regularization"
    folder.mkdir(parents=True)
    (folder / REGULARIZATION.notebook).write_text('{"cells": [ not a notebook')
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        analysis = commands.similarity.similarity("regularization", course)
    output = course / "reports" / "regularization"
    return SimpleNamespace(course=course, analysis=analysis, printed=printed.getvalue(),
                           entries=json.loads((output / "similarity.json").read_text()),
                           page=(output / "similarity.html").read_text())


def scores(entries, function):
    """{frozenset({a, b}): score} of the entries for a function (None: the whole submission)."""
    return {frozenset((e["a"], e["b"])): e["score"] for e in entries if e["function"] == function}


def honest_pairs(report):
    """The pairs of two honest students (neither planted, broken nor odd)."""
    honest = [s.student for s in report.analysis.submissions if s.student not in PLANTED and s.student != "odd-cells"]
    return [frozenset(pair) for pair in itertools.combinations(honest, 2)]


def built_alike(function):
    """Pairs of honest students whose cell of function is the same variant's code by construction (ben and dev are
    made of the mutants' and correct variants' edits): copies, for that function, not independent work."""
    return {frozenset((student, student_of(variant)))
            for student, variants in VARIANTS.EXAMPLES.items() for variant in variants or ()
            if variant.function == function}


def test_every_planted_copy_ranks_above_every_honest_pair_overall(report):
    whole = scores(report.entries, None)
    best_honest = max(whole.get(pair, 0.0) for pair in honest_pairs(report))
    for copy, (original, _) in PLANTED.items():
        score = whole.get(frozenset((copy, original)), 0.0)
        assert score > best_honest, (f"{copy} (a copy of {original}) scores {score} for the whole submission, "
                                     f"not above the best honest pair's {best_honest}")


def test_a_copied_function_ranks_above_every_honest_pair_for_that_function(report):
    copy, (original, function) = "copy-function", PLANTED["copy-function"]
    by_function = scores(report.entries, function)
    independent = [pair for pair in honest_pairs(report) if pair not in built_alike(function)]
    best_honest = max(by_function.get(pair, 0.0) for pair in independent)
    score = by_function.get(frozenset((copy, original)), 0.0)
    assert score > best_honest, f"the copied {function} scores {score}, not above the honest {best_honest}"


def test_similarity_json_lists_pairs_above_the_threshold_highest_first(report):
    compared = {s.student for s in report.analysis.submissions}
    assert report.entries, "no pair at all: the planted copies should be listed"
    for entry in report.entries:
        assert set(entry) == {"a", "b", "function", "score"}
        assert entry["a"] in compared and entry["b"] in compared and entry["a"] < entry["b"]
        assert entry["function"] is None or entry["function"] in REGULARIZATION.functions
        assert isinstance(entry["score"], float) and similarity.THRESHOLD <= entry["score"] <= 1
    listed = [entry["score"] for entry in report.entries]
    assert listed == sorted(listed, reverse=True)
    assert report.entries == report.analysis.entries


def test_the_page_says_it_is_evidence_not_a_verdict_and_is_offline(report):
    page = report.page
    assert "evidence for a person to look at, not a verdict" in page
    assert "Short functions with one right answer are expected to match" in page
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|@import|url\(|https?://", page, re.IGNORECASE)
    for copy, (original, _) in PLANTED.items():  # the top pairs are shown side by side, the shared code marked
        assert f"{original} and {copy}" in page or f"{copy} and {original}" in page
    assert "<mark>" in page
    assert "Evidence to look at, not a verdict" in report.printed


def test_broken_notebooks_are_reported_and_skipped(report):
    skipped = dict(report.analysis.skipped)
    assert set(skipped) == set(BROKEN)
    assert "could not be read as a notebook" in skipped["broken-json"] and "JSON" in skipped["broken-json"]
    assert "none of the graded cells" in skipped["no-graded-cells"]
    for student, reason in skipped.items():
        assert f"{student}</strong>: {reason}" in html.unescape(report.page)
        assert f"warning: {student} not compared" in report.printed
        assert all(student not in (e["a"], e["b"]) for e in report.entries)


def test_odd_cells_are_noted_and_the_rest_compared(report):
    [odd] = [s for s in report.analysis.submissions if s.student == "odd-cells"]
    notes = " ".join(odd.notes)
    assert f"{COST}: its cell is not valid Python" in notes
    assert f"{FORWARD}: its cell is" in notes and "not compared" in notes
    assert set(odd.codes) == {COST, BACKWARD_L2, BACKWARD_DROPOUT}


def test_normal_forms_ignore_names_comments_layout_and_order_but_not_which_variable():
    kept = similarity.kept_names(REGULARIZATION)
    original = ('W2 = parameters["W2"]\nW3 = parameters["W3"]\n'
                "cost = np.sum(np.square(W2))  # layer 2\nrest = cost * 2\n")
    variants = {
        "renamed": 'u = parameters["W2"]\nv = parameters["W3"]\nc = np.sum(np.square(u))\nrest = c * 2\n',
        "reformatted": ('W2 = parameters[\'W2\']; W3 = parameters["W3"]\n\n'
                        "cost = np.sum(\n    np.square(W2)\n)\n# doubled\nrest = cost*2\n"),
        "reordered": 'W3 = parameters["W3"]\nW2 = parameters["W2"]\ncost = np.sum(np.square(W2))\nrest = cost * 2\n',
    }

    def forms(source):
        statements, _, _ = similarity.normalise(source, kept)
        return sorted((s.placeholder, s.roles) for s in statements)

    for name, source in variants.items():
        assert forms(source) == forms(original), name
    other_layer = forms(original.replace("np.square(W2)", "np.square(W3)"))
    assert [p for p, _ in other_layer] == [p for p, _ in forms(original)]  # the same with names as V ...
    assert other_layer != forms(original)  # ... but W3 is not W2


def test_command_needs_submissions(tmp_path):
    with pytest.raises(errors.UsageError, match="no submissions of 'regularization'"):
        commands.similarity.similarity("regularization", tmp_path)


def test_output_dir_is_used_when_given(report, tmp_path):
    course = tmp_path / "course"
    for student in ("ben", "copy-reordered", "broken-json"):
        shutil.copytree(report.course / "submitted" / student, course / "submitted" / student)
    output = tmp_path / "elsewhere"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        analysis = commands.similarity.similarity("regularization", course, output)
    assert (output / "similarity.json").is_file() and (output / "similarity.html").is_file()
    assert not (course / "reports").exists()
    assert [(e["a"], e["b"], e["function"]) for e in analysis.entries][0] == ("ben", "copy-reordered", None)
