"""Similarity of the submissions of an assignment: evidence for a person to look at, never a verdict.

    python -m autograder similarity <assignment> [--course-dir DIR] [--output-dir DIR2]

reads every submitted/<student_id>/<assignment>/<notebook> of the course
directory (nothing is run: the cells are only parsed as JSON and tokenised),
and writes to DIR2 (default: <course_dir>/reports/<assignment>/):

- similarity.json: a list of {"a": id, "b": id, "function": name or null,
  "score": 0..1}, highest score first; "function": null is the whole
  submission (all its graded functions together). Only scores of at least
  THRESHOLD (0.3) are listed.
- similarity.html: one offline page (no script, no external resource) with
  the top pairs side by side, the shared code highlighted, how many
  submissions wrote exactly the same normalised code, and the submissions
  that could not be compared, with the reason.

How a function is compared
--------------------------
1. The code: the last cell marked ``# GRADED FUNCTION: <name>`` (the one the
   grader takes), cut into statements with Python's tokenize (comments, blank
   lines, indentation and docstrings dropped; ``;`` and one-line ``if x: y``
   split as if written on separate lines). Cells that do not tokenise (a
   syntax error) are cut by a plain regular expression instead.
2. Two normal forms of each statement. The placeholder form writes every
   name as ``V`` except keywords, builtins, attributes (``np.sum``), keyword
   arguments (``axis=``) and the names the assignment's setup provides (``np``,
   ``relu``, ``compute_cost``); numbers and strings by value. The role form
   writes each name as its role: a hash of the first statement that binds it
   (assigns it, or has it as a parameter or loop variable; written with the
   roles known so far) and of its place there: ``W2 = parameters["W2"]`` gives
   W2 its role; names not bound yet are written V. Roles survive renaming and
   reordering, yet tell ``W2`` from ``W3``: without them two students who each
   left out a different layer would look identical.
3. The student's statements: the cell's statements less the release's
   (given lines, the signature and the ``x = None`` stubs; matched by
   placeholder form, as a multiset, so moved given lines are still given).
4. Features: the k-grams (K tokens, with start and end markers) of each
   student statement, in both forms. Statement-local k-grams make reordered
   statements match exactly. Features of the release's cell and of the
   instructor's solution are dropped (MOSS's base file, copydetect's
   boilerplate): matching the expected answer is no evidence.
5. Score of a pair, per function and for the whole submission (the features
   of all functions together)::

       score = sum over shared features of rarity(df) / |features of a or b|

   where df is the number of submissions that have the feature, rarity(2) = 1
   and rarity falls to 0 at df > common_limit(n) = max(10, n // 100)
   (MOSS's -m): code that many submissions share is the obvious solution, not
   a copy, and features that common are left out altogether. A renamed,
   reformatted or reordered copy scores 1; two students who made the same
   one-token change score at most 1 too, which is why the page shows the code.

Candidate pairs (why not datasketch's MinHashLSH)
-------------------------------------------------
Pairs are found with an inverted index from each rare feature (2 <= df <=
common_limit) to the submissions that have it, as MOSS does: only pairs that
share a rare feature are ever touched, each feature giving at most
common_limit**2 / 2 of them, and the shared weights are summed in the same
pass, so the scores come out exact. MinHashLSH would also avoid comparing
all pairs (the score is at most the Jaccard index of the rare features, so an
LSH tuned below THRESHOLD is a sound filter), but it is probabilistic: near the
threshold it misses a share of the pairs, and a missed copy is the one error
this report must not make; at the sizes of a course (2,000 submissions: a
few seconds here) the exact index costs no more. No dependency is added.

Winnowing (why every k-gram is kept, and why not copydetect)
-------------------------------------------------------------
Winnowing keeps about 2/(w+1) of the k-grams to make the index of long
documents small. A graded function's own code is 10 to 200 tokens, and what
sets a student apart is often a one-token change, which yields only K new
k-grams: winnowing would drop some or all of them. Every k-gram is kept (a
winnowing window of 1). copydetect (0.5.0) implements winnowing on characters
of code normalised by Pygments, but (a) its normaliser writes every name and
attribute as V, so ``np.sum`` and ``np.mean`` look the same and so do ``W2`` and
``W3``; (b) it compares every pair of files, read from disk (2 million pairs
per function at 2,000 submissions); (c) it has no discount for code many
submissions share. Its winnowing, the one part that fits, is a few lines.

Submissions are untrusted: a file that is not a notebook, too large, without
the graded cells or with cells that do not parse is recorded with the reason
and left out (or that function only), never a crash.
"""

import ast
import builtins
import html
import io
import itertools
import json
import keyword
import re
import sys
import time
import tokenize
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import assignments, cells, grading

THRESHOLD = 0.3  # pairs scoring less are left out of similarity.json and the page
K = 4  # tokens per k-gram (start and end markers included)
TOP_PAIRS = 40  # pairs shown side by side in the page
MAX_CELL_CHARS = 50_000  # a graded cell is a few thousand characters; longer ones are not compared
MAX_STATEMENT_TOKENS = 2_000  # longer statements are cut (a crafted cell must not make k-grams explode)
MODULES = frozenset({"np", "numpy", "math", "scipy", "random"})
BUILTINS = frozenset(dir(builtins))
COMPOUND = frozenset({"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
                      "async"})
SKIPPED_TYPES = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
                           tokenize.ENDMARKER})
OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
FALLBACK = re.compile(r"""(?P<comment>\#[^\n]*)|(?P<newline>\n)|(?P<space>[ \t\r\f\\]+)
    |(?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    |(?P<number>\d[\w.]*|\.\d[\w.]*)|(?P<name>[^\W\d]\w*)
    |(?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|\S)""", re.VERBOSE)
FALLBACK_TYPES = {"string": tokenize.STRING, "number": tokenize.NUMBER, "name": tokenize.NAME, "op": tokenize.OP}


@dataclass
class Statement:
    """One statement of a cell: its tokens' normal forms and where each token is in the cell's source."""
    placeholder: tuple  # the placeholder form, one string per token
    roles: tuple  # the role form
    spans: tuple  # (start, end) character offsets of each token in the source
    rows: tuple  # (first, last) line of the source, 0-based
    given: bool = False  # a line of the release (given, or a stub left as it was)


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


@dataclass
class Submission:
    """The graded functions of one student that could be compared, and notes on the others."""
    student: str
    codes: dict  # {function: Code}
    notes: list = field(default_factory=list)  # why a function was left out, or read another way


@dataclass
class Analysis:
    """Everything the report shows.

    entries -- [{"a", "b", "function", "score"}], highest score first, scores >= threshold
    skipped -- [(student, reason)]: submissions left out entirely
    shared_code -- {function: Counter {code key: number of submissions with exactly that normalised code}}
    solution_keys -- {function: code key of the instructor's solution}
    """
    assignment: object
    submissions: list
    skipped: list
    entries: list
    common_limit: int
    threshold: float
    shared_code: dict
    solution_keys: dict
    boilerplate: dict  # {function: set of feature hashes of the release and the solution}
    common: dict  # {function: set of features more than common_limit submissions have}
    kept: frozenset  # names written as they are (kept_names)
    stubs: dict  # {function: placeholder forms of the release's statements}
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------------------
# Normalisation


def _line_starts(source):
    """Offsets of the first character of each line of source (lines end with \\n), a list."""
    starts = [0]
    position = source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return starts


def _tokens(source):
    """The tokens of a cell as (type, text, start, end) with character offsets, comments and layout dropped.

    Returns:
    tokens -- a list; NEWLINE tokens end statements
    tokenised -- True when Python's tokenize read the cell, False when it failed and a regular expression cut it
    """
    starts = _line_starts(source)
    found = []
    try:
        for kind, text, (row, column), (end_row, end_column), _ in tokenize.generate_tokens(
                io.StringIO(source).readline):
            if kind not in SKIPPED_TYPES:
                found.append((kind, text, starts[row - 1] + column, starts[end_row - 1] + end_column))
        return found, True
    except (tokenize.TokenError, SyntaxError, ValueError, IndexError):  # IndentationError is a SyntaxError
        pass
    found = []
    for match in FALLBACK.finditer(source):
        kind = match.lastgroup
        if kind == "newline":
            found.append((tokenize.NEWLINE, "\n", match.start(), match.end()))
        elif kind in FALLBACK_TYPES:
            found.append((FALLBACK_TYPES[kind], match.group(), match.start(), match.end()))
    return found, False


def _statements(tokens):
    """The tokens cut into statements: at NEWLINE, at `;` and after the colon of a one-line compound header.

    Returns:
    statements -- a list of lists of tokens, without the statements made of strings alone (docstrings)
    strings -- those statements made of strings alone
    """
    statements, current, depth = [], [], 0
    for token in tokens:
        kind, text = token[0], token[1]
        if kind == tokenize.NEWLINE or (text == ";" and depth == 0 and kind == tokenize.OP):
            statements.append(current)
            current, depth = [], 0
            continue
        if kind == tokenize.OP:
            if text in OPENING:
                depth += 1
            elif text in CLOSING:
                depth = max(0, depth - 1)
        current.append(token)
        if (text == ":" and depth == 0 and kind == tokenize.OP and current[0][1] in COMPOUND
                and sum(t[1] == ":" for t in current) == 1):
            statements.append(current)  # `if x: y = 1` is read as `if x:` and `y = 1`
            current = []
    statements.append(current)
    strings = [s for s in statements if s and all(t[0] == tokenize.STRING for t in s)]
    return [s[:MAX_STATEMENT_TOKENS] for s in statements if s and s not in strings], strings


def _literal(kind, text):
    """The normal form of a number (by value, so 1. and 1.0 are the same) or a string (by value)."""
    try:
        value = ast.literal_eval(text)
        if kind == tokenize.NUMBER:
            return "#" + repr(float(value) if isinstance(value, int) and abs(value) < 2 ** 53 else value)
        return repr(value)[:200]
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):  # an f-string, a 5,000-digit 0x...
        return text[:200]


def _placeholder(statement, kept):
    """The placeholder form of one statement, and the positions of its names that stand for variables.

    Returns:
    form -- list of strings, one per token
    variables -- [(position, name)] of the tokens written as V
    """
    form, variables = [], []
    is_def = statement[0][1] in ("def", "class", "lambda")
    depth = 0
    for position, (kind, text, _, _) in enumerate(statement):
        if kind == tokenize.NAME:
            previous = statement[position - 1][1] if position else ""
            following = statement[position + 1][1] if position + 1 < len(statement) else ""
            if (keyword.iskeyword(text) or text in BUILTINS or text in kept or previous == "."
                    or (following == "=" and depth > 0 and not is_def)):
                form.append(text)
            else:
                form.append("V")
                variables.append((position, text))
        elif kind in (tokenize.NUMBER, tokenize.STRING):
            form.append(_literal(kind, text))
        else:
            if text in OPENING:
                depth += 1
            elif text in CLOSING:
                depth = max(0, depth - 1)
            form.append(text)
    return form, variables


def _bound(statement, variables):
    """The names a statement binds (a set): assignment and loop targets, parameters, `as` and `:=` targets."""
    texts = [token[1] for token in statement]
    names = {position: name for position, name in variables}
    if texts[0] in ("def", "class", "import", "from"):
        return set(names.values())
    bound, depth, last_assignment = set(), 0, None
    for position, text in enumerate(texts):
        if statement[position][0] != tokenize.OP:
            continue
        if text in OPENING:
            depth += 1
        elif text in CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and (text == "=" or (text.endswith("=") and text not in ("==", "<=", ">=", "!="))):
            last_assignment = position  # =, +=, -=, ...
        elif text == ":=" and position - 1 in names:
            bound.add(names[position - 1])
    following = texts[1:] + [""]
    for position, name in names.items():
        after = following[position]
        if last_assignment is not None and position < last_assignment and after not in ("[", ".", "("):
            bound.add(name)  # a target (in a[i] = x and a.b = x, a is used, not bound)
    keyword_before = None
    for position, text in enumerate(texts):  # for ... in, lambda ...:, ... as name
        if text in ("for", "lambda") and statement[position][0] == tokenize.NAME:
            keyword_before = "in" if text == "for" else ":"
        elif text == keyword_before:
            keyword_before = None
        elif position in names and (keyword_before or (position and texts[position - 1] == "as")):
            bound.add(names[position])
    return bound


def normalise(source, kept):
    """Cut a cell into statements and give each its placeholder and role forms.

    Arguments:
    source -- the cell's source
    kept -- names written as they are (the setup's modules and functions)

    Returns:
    statements -- [Statement], in the cell's order, docstrings left out
    doc_rows -- the 0-based lines of the docstrings, a set
    tokenised -- as for _tokens
    """
    tokens, tokenised = _tokens(source)
    starts = _line_starts(source)
    kept_statements, strings = _statements(tokens)
    doc_rows = set()
    for string in strings:
        doc_rows.update(range(_row(starts, string[0][2]), _row(starts, max(string[-1][3] - 1, string[-1][2])) + 1))
    roles = {}
    result = []
    for statement in kept_statements:
        form, variables = _placeholder(statement, kept)
        # Roles: a name gets one at the first statement that binds it, from that statement's form (names that
        # have a role written as their role, the others as V) and the name's place in it.
        named = list(form)
        for position, name in variables:
            if name in roles:
                named[position] = roles[name]
        frozen = tuple(named)
        if variables:
            for name in _bound(statement, variables) - roles.keys():
                position = next(p for p, n in variables if n == name)
                roles[name] = f"r{hash((frozen, position)) & 0xFFFFFFFFFFFFFFFF:x}"
        role_form = list(form)
        for position, name in variables:
            role_form[position] = roles.get(name, "V")
        first_row = _row(starts, statement[0][2])
        last_row = _row(starts, max(statement[-1][3] - 1, statement[-1][2]))
        result.append(Statement(tuple(form), tuple(role_form), tuple((t[2], t[3]) for t in statement),
                                (first_row, last_row)))
    return result, doc_rows, tokenised


def _row(starts, offset):
    """The 0-based line of a character offset."""
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


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


# ---------------------------------------------------------------------------------------------------------------
# The class


def kept_names(assignment):
    """The names written as they are: numpy's and other modules' names, the setup's imports and definitions,
    and the graded functions' names (a frozenset)."""
    names = set(MODULES) | set(assignment.functions)
    for node in ast.walk(ast.parse(assignment.setup)):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return frozenset(names)


def release_notebook(assignment):
    """The path of the student release's notebook of an assignment; raises UsageError when it is missing."""
    path = assignments.COURSE / "release" / assignment.name / assignment.notebook
    if not path.is_file():
        raise grading.UsageError(f"no release of {assignment.name} at {path}: the starter code is needed to leave "
                                 "it out of the comparison; run `make release` first")
    return path


def _graded_sources(path):
    """{function: source of its last graded cell} of a notebook of this course kit (trusted)."""
    return {name: copies[-1] for name, copies in cells.graded_cells(cells.code_cells(path.read_bytes())).items()}


def references(assignment):
    """What every submission is compared against: the release's statements and the features not to count.

    Returns:
    stubs -- {function: [placeholder form of each statement of the release's cell]}
    boilerplate -- {function: set of feature hashes of the release's cell and of the instructor's solution}
    solution_keys -- {function: code key of the instructor's solution}
    """
    kept = kept_names(assignment)
    release = _graded_sources(release_notebook(assignment))
    solution = _graded_sources(assignment.source_notebook)
    stubs, boilerplate, solution_keys = {}, {}, {}
    for function in assignment.functions:
        statements, _, _ = normalise(release.get(function, ""), kept)
        stubs[function] = [s.placeholder for s in statements]
        boilerplate[function] = set()
        for statement in statements:
            boilerplate[function].update(statement_features(function, statement))
        answer = read_code(function, solution.get(function, ""), kept, stubs[function], boilerplate[function])
        boilerplate[function].update(answer.features.tolist())
        solution_keys[function] = answer.key
    return stubs, boilerplate, solution_keys


def submitted(course, assignment):
    """The student ids with a submitted/<id>/<assignment>/ folder, sorted; raises UsageError when there is none."""
    folder = Path(course) / "submitted"
    found = sorted(p.parent.name for p in folder.glob(f"*/{assignment.name}") if p.is_dir())
    if not found:
        raise grading.UsageError(f"no submissions of {assignment.name!r} in {folder}/ "
                                 f"(expected folders {folder}/<student_id>/{assignment.name}/)")
    return found


def read_submission(assignment, course, student, kept, stubs, boilerplate, memo):
    """One student's graded functions, read from the notebook's bytes (nothing is run).

    memo -- {(function, source): Code}, shared between submissions (a cell many students left as it was is
            read once)

    Returns:
    submission -- a Submission, or None when nothing in it can be compared
    reason -- None, or why the submission is left out
    """
    data, failed = grading.read_submission(assignment, Path(course), student)
    if data is None:
        return None, failed[0].messages[0]
    try:
        graded = cells.graded_cells(cells.code_cells(data))
    except cells.Unreadable as error:
        return None, f"{assignment.notebook} could not be read as a notebook: {error}"
    submission = Submission(student, {})
    for function in assignment.functions:
        copies = graded.get(function)
        if not copies:
            submission.notes.append(f"{function}: no cell marked `{cells.MARKER}{function}`")
            continue
        source = copies[-1]
        if len(source) > MAX_CELL_CHARS:
            submission.notes.append(f"{function}: its cell is {len(source):,} characters long, more than "
                                    f"{MAX_CELL_CHARS:,}; not compared")
            continue
        code = memo.get((function, source))
        if code is None:
            code = memo[(function, source)] = read_code(function, source, kept, stubs[function],
                                                        boilerplate[function])
        if not code.tokenised:
            submission.notes.append(f"{function}: its cell is not valid Python; compared as plain tokens")
        submission.codes[function] = code
    if not any(function in graded for function in assignment.functions):
        return None, (f"{assignment.notebook} has none of the graded cells (a code cell whose first line is "
                      f"`{cells.MARKER}<name>`, for {', '.join(assignment.functions)}): was another notebook "
                      "submitted, or were the cells' first lines changed?")
    if not submission.codes:
        return None, "none of its graded cells could be compared: " + "; ".join(submission.notes)
    return submission, None


# ---------------------------------------------------------------------------------------------------------------
# Comparison


EMPTY = hash(())  # the code key of a cell with no statement of the student's


def common_limit(count):
    """The number of submissions above which shared code counts as the obvious solution (an int)."""
    return max(10, count // 100)


def rarity(df, limit):
    """The weight of a feature that df submissions have: 1 for two, falling linearly to 0 past limit."""
    return max(0.0, 1.0 - (df - 2) / (limit - 1))


def compare(submissions, functions, limit, threshold=THRESHOLD):
    """Score every pair of submissions that shares a rare feature, per function and for the whole submission.

    Returns:
    entries -- [{"a", "b", "function", "score"}] with score >= threshold, highest first (then whole submission
               first, then by ids); a < b
    common -- {function: set of the features that more than limit submissions have}
    """
    entries, common = [], {}
    sizes = [defaultdict(int) for _ in submissions]  # per submission: {function: number of rare features}
    shared_all = defaultdict(float)  # (i, j) -> summed rarity over all functions
    count_all = defaultdict(int)  # (i, j) -> number of shared rare features over all functions
    for function in functions:
        index = defaultdict(list)
        for number, submission in enumerate(submissions):
            code = submission.codes.get(function)
            if code is not None:
                for feature in code.features.tolist():
                    index[feature].append(number)
        common[function] = {feature for feature, owners in index.items() if len(owners) > limit}
        shared, counted = defaultdict(float), defaultdict(int)
        for feature, owners in index.items():
            if len(owners) > limit:
                continue
            for owner in owners:
                sizes[owner][function] += 1
            if len(owners) < 2:
                continue
            weight = rarity(len(owners), limit)
            for pair in itertools.combinations(owners, 2):
                shared[pair] += weight
                counted[pair] += 1
        for (i, j), weight in shared.items():
            shared_all[(i, j)] += weight
            count_all[(i, j)] += counted[(i, j)]
            union = sizes[i][function] + sizes[j][function] - counted[(i, j)]
            entries.append(_entry(submissions, i, j, function, weight / union))
    for (i, j), weight in shared_all.items():
        union = sum(sizes[i].values()) + sum(sizes[j].values()) - count_all[(i, j)]
        entries.append(_entry(submissions, i, j, None, weight / union))
    entries = [e for e in entries if e["score"] >= threshold]
    entries.sort(key=lambda e: (-e["score"], e["function"] is not None, e["a"], e["b"], e["function"] or ""))
    return entries, common


def _entry(submissions, i, j, function, score):
    """One line of similarity.json (a dict), its two ids in order."""
    a, b = sorted((submissions[i].student, submissions[j].student))
    return {"a": a, "b": b, "function": function, "score": round(min(1.0, score), 4)}


def analyse(assignment, course, threshold=THRESHOLD, progress=None):
    """Read and compare every submission of an assignment in a course directory.

    progress -- None, or a callable given (number read, total) now and then

    Returns an Analysis. Raises UsageError when there is no submission or no release.
    """
    start = time.perf_counter()
    students = submitted(course, assignment)
    kept = kept_names(assignment)
    stubs, boilerplate, solution_keys = references(assignment)
    submissions, skipped, memo = [], [], {}
    for number, student in enumerate(students):
        try:
            submission, reason = read_submission(assignment, course, student, kept, stubs, boilerplate, memo)
        except Exception as error:  # a bug of ours on an odd file: that submission is left out, the rest goes on
            submission, reason = None, f"could not be read ({type(error).__name__}: {str(error)[:200]})"
        if submission is None:
            skipped.append((student, reason))
        else:
            submissions.append(submission)
        if progress is not None and (number + 1) % 200 == 0:
            progress(number + 1, len(students))
    limit = common_limit(len(submissions))
    entries, common = compare(submissions, assignment.functions, limit, threshold)
    shared_code = {function: Counter(s.codes[function].key for s in submissions if function in s.codes)
                   for function in assignment.functions}
    return Analysis(assignment, submissions, skipped, entries, limit, threshold, shared_code, solution_keys,
                    boilerplate, common, kept, stubs, time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------------------------
# The report

EVIDENCE = ("This page is evidence for a person to look at, not a verdict. A high score says that two submissions "
            "share code that few others have, not that anyone copied: read the code side by side, and hear the "
            "students, before you conclude anything.")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 110em; }
.evidence { border: 2px solid #b35900; background: #fff4e5; padding: .8em 1em; font-size: 1.1em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
.pairs td.score, .pairs th.score { text-align: right; }
.side { width: 100%; table-layout: fixed; }
pre { margin: 0; font-size: .85em; white-space: pre-wrap; word-break: break-all; }
.given { color: #999; }
.doc { color: #999; font-style: italic; }
.ln { color: #bbb; display: inline-block; width: 3em; user-select: none; }
mark { background: #ffd54f; }
.note { color: #555; font-size: .9em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
"""


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


def render(analysis):
    """The report page (a str of HTML): the warning, the method, the top pairs side by side, what was skipped."""
    a = analysis.assignment
    e = html.escape
    by_id = {s.student: s for s in analysis.submissions}
    pairs = {}  # (a, b) -> its entries, best first
    for entry in analysis.entries:
        pairs.setdefault((entry["a"], entry["b"]), []).append(entry)
    top = list(pairs.items())[:TOP_PAIRS]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Similarity of {e(a.name)}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Similarity of the submissions of {e(a.name)}</h1>",
             f'<p class="evidence"><strong>{e(EVIDENCE)}</strong></p>',
             "<p>Each graded function's code is compared after normalisation: names, comments, blank lines, "
             "docstrings, layout and the order of statements do not count. The starter code of the release and "
             "the instructor's solution are left out: matching the expected answer is no evidence. "
             "<strong>Short functions with one right answer are expected to match</strong>: code that many "
             "submissions share counts less, and not at all when more than "
             f"{analysis.common_limit} submissions have it; beside each function the page says how many "
             "submissions wrote exactly the same normalised code. A score is the share of the two submissions' "
             "own code that they have in common, weighted by how rare it is (1: all of it, and nobody else "
             f"has it). Scores below {analysis.threshold:g} are left out of this page and of similarity.json. "
             "A whole-submission score pools all graded functions.</p>",
             "<p class='note'>In the code: <mark>highlighted</mark>, what the two share that is neither given, "
             "nor the instructor's solution, nor common; <span class='given'>grey</span>, the lines the release "
             "gives (left out of the comparison). Comments are shown but not compared.</p>",
             f"<p>{len(analysis.submissions)} submission(s) compared, {len(analysis.skipped)} left out, "
             f"{len(analysis.entries)} score(s) of at least {analysis.threshold:g} "
             f"({len(pairs)} pair(s)); {analysis.seconds:.1f} s.</p>"]
    if analysis.skipped:
        parts.append("<h2 id='skipped'>Not compared</h2><ul>")
        parts += [f"<li><strong>{e(student)}</strong>: {e(reason)}</li>" for student, reason in analysis.skipped]
        parts.append("</ul>")
    notes = [(s.student, note) for s in analysis.submissions for note in s.notes]
    if notes:
        parts.append("<h2 id='notes'>Functions not compared, or read as plain tokens</h2><ul>")
        parts += [f"<li><strong>{e(student)}</strong>: {e(note)}</li>" for student, note in notes]
        parts.append("</ul>")
    parts.append(f"<h2>Top pairs</h2><p>The first {len(top)} pair(s), by their best score.</p>"
                 "<table class='pairs'><tr><th>#</th><th>a</th><th>b</th><th>function</th>"
                 "<th class='score'>score</th></tr>")
    for rank, ((first, second), found) in enumerate(top, 1):
        for entry in found:
            parts.append(f"<tr><td><a href='#pair-{rank}'>{rank}</a></td><td>{e(first)}</td><td>{e(second)}</td>"
                         f"<td>{e(entry['function'] or 'whole submission')}</td>"
                         f"<td class='score'>{entry['score']:.2f}</td></tr>")
    parts.append("</table>")
    for rank, ((first, second), found) in enumerate(top, 1):
        left, right = by_id[first], by_id[second]
        scores = {entry["function"]: entry["score"] for entry in found}
        parts.append(f"<h2 id='pair-{rank}'>{rank}. {e(first)} and {e(second)}</h2><p>"
                     + "; ".join(f"{e(name or 'whole submission')}: {score:.2f}" for name, score in scores.items())
                     + "</p>")
        for function in a.functions:
            one, two = left.codes.get(function), right.codes.get(function)
            cells_ = _cell(analysis, function, one), _cell(analysis, function, two)
            marks = (_shared_marks(cells_[0], cells_[1], analysis.common[function]),
                     _shared_marks(cells_[1], cells_[0], analysis.common[function]))
            if function not in scores and not marks[0]:
                continue  # nothing shared in this function: left out of the pair's section
            score = f" (score {scores[function]:.2f})" if function in scores else ""
            parts.append(f"<h3>{e(function)}{score}</h3><table class='side'><tr><th>{e(first)}</th>"
                         f"<th>{e(second)}</th></tr><tr>")
            for code, cell, marked in zip((one, two), cells_, marks):
                note = _code_note(analysis, function, code)
                parts.append("<td>" + (f"<p class='note'>{e(note)}</p>" if note else "")
                             + _render_code(code.source if code else "", cell, marked) + "</td>")
            parts.append("</tr></table>")
    parts.append("<h2>Code many submissions share</h2><p>Exactly the same normalised code, written by three "
                 "submissions or more: the obvious solutions and the common mistakes.</p><ul>")
    for function in a.functions:
        for key, count in analysis.shared_code[function].most_common(5):
            if count < 3:
                break
            what = ("the instructor's solution" if key == analysis.solution_keys[function]
                    else "nothing written: the starter code" if key == EMPTY else "other code")
            parts.append(f"<li>{e(function)}: {count} submissions ({what})</li>")
    parts.append("</ul></body></html>")
    return "\n".join(parts)


def write_report(analysis, output_dir):
    """Write similarity.json and similarity.html into output_dir (created); returns their two paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = output_dir / "similarity.json", output_dir / "similarity.html"
    json_path.write_text(json.dumps(analysis.entries, indent=1) + "\n", encoding="utf-8")
    html_path.write_text(render(analysis), encoding="utf-8")
    return json_path, html_path


def command(args):
    """`python -m autograder similarity`: compare the submissions of args.assignment in args.course_dir and
    write the report into args.output_dir (default: <course_dir>/reports/<assignment>/).

    Returns the Analysis. Raises UsageError (no course directory, no submission, no release) or
    AssignmentError (no such assignment), which the command line turns into exit 2.
    """
    course = Path(args.course_dir)
    if not course.is_dir():
        raise grading.UsageError(f"no course directory at {course} (give one with --course-dir)")
    assignment = assignments.load(args.assignment)
    output_dir = Path(args.output_dir) if getattr(args, "output_dir", None) else course / "reports" / assignment.name
    progress = None
    if sys.stderr.isatty():
        progress = lambda done, total: print(f"read {done}/{total}", file=sys.stderr, flush=True)  # noqa: E731
    analysis = analyse(assignment, course, progress=progress)
    json_path, html_path = write_report(analysis, output_dir)
    for student, reason in analysis.skipped:
        print(f"warning: {student} not compared: {reason}", file=sys.stderr)
    pairs = {(entry["a"], entry["b"]) for entry in analysis.entries}
    print(f"Compared {len(analysis.submissions)} submission(s) of {assignment.name} ({len(analysis.skipped)} left "
          f"out) in {analysis.seconds:.1f} s: {len(pairs)} pair(s) score at least {analysis.threshold:g}. "
          f"Evidence to look at, not a verdict: {html_path} (scores in {json_path}).")
    return analysis
