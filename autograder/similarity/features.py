"""A graded cell's features (its Cell and its Code): the student's statements, less the release's, and
their k-grams less the boilerplate; steps 3 and 4 of the method in the package's docstring.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

from autograder.similarity.forms import normalise

K = 4  # tokens per k-gram (start and end markers included)
EMPTY = hash(())  # the code key of a cell with no statement of the student's


@dataclass
class Cell:
    """One graded cell, read in full (for the page, and to build a Code).

    statements -- its statements (docstrings left out), the given ones marked
    doc_rows -- the 0-based lines of its docstrings (and other statements made of a string alone), a set
    features -- {feature hash: [(start, end) character spans in the source]}, the student's features only
    tokenised -- False when the cell did not tokenise as Python and was cut by a regular expression
    """
    statements: list
    doc_rows: set
    features: dict
    tokenised: bool


@dataclass(slots=True)
class Code:
    """One graded function's code in one submission, as compared (small: thousands are held at once).

    source -- the cell's source
    features -- the student's feature hashes, a sorted numpy int64 array of shape (n,)
    key -- hash of the placeholder forms of the student's statements: equal keys, the same normalised code
    written -- the number of the student's statements (not given by the release)
    tokenised -- as for Cell
    """
    source: str
    features: np.ndarray
    key: int
    written: int
    tokenised: bool


def mark_given(statements, stub_forms):
    """Mark the statements whose placeholder form is one of the release's (as a multiset); returns statements."""
    left = Counter(stub_forms)
    for statement in statements:
        if left[statement.placeholder] > 0:
            left[statement.placeholder] -= 1
            statement.given = True
    return statements


def statement_features(function, statement):
    """{feature hash: [(start, end)]}: the k-grams of one statement in both forms, with where each one lies."""
    found = {}
    count = len(statement.placeholder)
    for tag, form in (("P", statement.placeholder), ("R", statement.roles)):
        padded = ("^",) + form + ("$",)
        for begin in range(max(1, len(padded) - K + 1)):
            feature = hash((function, tag, padded[begin:begin + K]))
            first = max(0, begin - 1)
            last = min(count, begin + K - 1) - 1
            if last >= first:
                found.setdefault(feature, []).append((statement.spans[first][0], statement.spans[last][1]))
    return found


def read_cell(function, source, kept, stub_forms, boilerplate):
    """The Cell of one graded cell's source: its statements, the given ones marked, and the student's features.

    boilerplate -- feature hashes left out (the release's and the solution's), a set
    """
    statements, doc_rows, tokenised = normalise(source, kept)
    mark_given(statements, stub_forms)
    features = {}
    for statement in statements:
        if statement.given:
            continue
        for feature, spans in statement_features(function, statement).items():
            if feature not in boilerplate:
                features.setdefault(feature, []).extend(spans)
    return Cell(statements, doc_rows, features, tokenised)


def read_code(function, source, kept, stub_forms, boilerplate):
    """The Code of one graded cell's source (see read_cell)."""
    cell = read_cell(function, source, kept, stub_forms, boilerplate)
    student = [s.placeholder for s in cell.statements if not s.given]
    features = np.unique(np.fromiter(cell.features, dtype=np.int64, count=len(cell.features)))
    return Code(source, features, hash(tuple(student)), len(student), cell.tokenised)
