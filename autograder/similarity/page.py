"""The report's page: one offline HTML page (no script, no external resource), rendered from the template
similarity/page.html (autograder.templates), with the top pairs side by side, the shared code highlighted, how
many submissions wrote exactly the same normalised code, and the submissions that could not be compared.

The template puts values in as they are given: what comes from a submission is escaped here, with html.escape.
"""

import html

from autograder import templates
from autograder.similarity.features import EMPTY, read_cell

TOP_PAIRS = 40  # pairs shown side by side in the page

EVIDENCE = ("This page is evidence for a person to look at, not a verdict. A high score says that two submissions "
            "share code that few others have, not that anyone copied: read the code side by side, and hear the "
            "students, before you conclude anything.")


def _render_code(source, cell, marked):
    """HTML of one cell (a str): given lines grey, docstrings folded, the characters in marked highlighted.

    marked -- set of character offsets to highlight
    """
    if cell is None:
        return '<p class="note">No cell for this function.</p>'
    rows = source.split("\n")
    kinds = ["doc" if row in cell.doc_rows else "other" for row in range(len(rows))]  # other: comments, blanks
    for statement in cell.statements:
        for row in range(statement.rows[0], min(statement.rows[1], len(rows) - 1) + 1):
            if kinds[row] != "student":
                kinds[row] = "given" if statement.given else "student"
    out, folded, offset = [], False, 0
    for number, text in enumerate(rows):
        kind = kinds[number]
        if kind == "doc":
            if not folded:
                out.append('<span class="doc"><span class="ln"></span>    (docstring not shown)</span>')
            folded = True
        else:
            folded = False
            parts, current, run = [], None, []
            for column, character in enumerate(text):
                state = (offset + column) in marked
                if state != current and run:
                    parts.append(_span("".join(run), current))
                    run = []
                current = state
                run.append(character)
            if run:
                parts.append(_span("".join(run), current))
            css = ' class="given"' if kind == "given" else ""
            out.append(f'<span{css}><span class="ln">{number + 1}</span>{"".join(parts)}</span>')
        offset += len(text) + 1
    return "<pre>" + "\n".join(out) + "</pre>"


def _span(text, marked):
    return f"<mark>{html.escape(text)}</mark>" if marked else html.escape(text)


def _shared_marks(cell, other, common):
    """The character offsets of a Cell covered by features it shares with another (rare ones only), a set."""
    marks = set()
    if cell is None or other is None:
        return marks
    for feature in cell.features.keys() & other.features.keys():
        if feature not in common:
            for start, end in cell.features[feature]:
                marks.update(range(start, end))
    return marks


def _cell(analysis, function, code):
    """The Cell of a Code, read again in full for the page (None for None)."""
    if code is None:
        return None
    return read_cell(function, code.source, analysis.kept, analysis.stubs[function], analysis.boilerplate[function])


def _code_note(analysis, function, code):
    """A sentence on how common a submission's code for a function is."""
    if code is None:
        return ""
    if code.written == 0:
        return "Nothing written: the starter code as released."
    if code.key == analysis.solution_keys.get(function):
        return "The same as the instructor's solution (after normalisation): no evidence either way."
    same = analysis.shared_code[function][code.key]
    if same > 2:
        flag = " (common: likely the obvious solution, not a copy)" if same > analysis.common_limit else ""
        return f"{same} submissions wrote exactly this code (after normalisation){flag}."
    return ""


def _pairs(analysis):
    """The entries by pair, in the entries' order: {(a, b): its entries, best first}."""
    pairs = {}
    for entry in analysis.entries:
        pairs.setdefault((entry["a"], entry["b"]), []).append(entry)
    return pairs


def _pair(analysis, by_id, rank, first, second, found):
    """One of the top pairs, for the page (a dict): its lines of the table of top pairs and its section."""
    e = html.escape
    scores = {entry["function"]: entry["score"] for entry in found}
    sections = (_side_by_side(analysis, function, by_id[first], by_id[second], scores)
                for function in analysis.assignment.functions)
    return {"rank": rank, "a": e(first), "b": e(second),
            "rows": [{"function": e(entry["function"] or "whole submission"), "score": f"{entry['score']:.2f}"}
                     for entry in found],
            "scores": "; ".join(f"{e(name or 'whole submission')}: {score:.2f}" for name, score in scores.items()),
            "functions": [section for section in sections if section is not None]}


def _side_by_side(analysis, function, left, right, scores):
    """The two submissions' code for one function, side by side (a dict), or None when they share nothing in it.

    scores -- {function: score} of the pair
    """
    e = html.escape
    one, two = left.codes.get(function), right.codes.get(function)
    cells_ = _cell(analysis, function, one), _cell(analysis, function, two)
    marks = (_shared_marks(cells_[0], cells_[1], analysis.common[function]),
             _shared_marks(cells_[1], cells_[0], analysis.common[function]))
    if function not in scores and not marks[0]:
        return None  # nothing shared in this function: left out of the pair's section
    score = f" (score {scores[function]:.2f})" if function in scores else ""
    shown = []
    for code, cell, marked in zip((one, two), cells_, marks):
        note = _code_note(analysis, function, code)
        shown.append((f"<p class='note'>{e(note)}</p>" if note else "")
                     + _render_code(code.source if code else "", cell, marked))
    return {"name": e(function), "score": score, "cells": shown}


def _shared(analysis):
    """The lines of "Code many submissions share": per function, its most common codes written three times or more."""
    lines = []
    for function in analysis.assignment.functions:
        for key, count in analysis.shared_code[function].most_common(5):
            if count < 3:
                break
            what = ("the instructor's solution" if key == analysis.solution_keys[function]
                    else "nothing written: the starter code" if key == EMPTY else "other code")
            lines.append({"function": html.escape(function), "count": count, "what": what})
    return lines


def render(analysis):
    """The report page (a str of HTML): the warning, the method, the top pairs side by side, what was skipped."""
    e = html.escape
    by_id = {s.student: s for s in analysis.submissions}
    pairs = _pairs(analysis)
    top = [_pair(analysis, by_id, rank, first, second, found)
           for rank, ((first, second), found) in enumerate(list(pairs.items())[:TOP_PAIRS], 1)]
    return templates.render(
        "similarity/page.html", assignment=e(analysis.assignment.name), evidence=e(EVIDENCE),
        common_limit=analysis.common_limit, threshold=f"{analysis.threshold:g}", compared=len(analysis.submissions),
        scores=len(analysis.entries), pair_count=len(pairs), seconds=f"{analysis.seconds:.1f}",
        skipped=[(e(student), e(reason)) for student, reason in analysis.skipped],
        notes=[(e(s.student), e(note)) for s in analysis.submissions for note in s.notes],
        top=top, shared=_shared(analysis))
