"""Nothing of the solutions in what students receive: one leak check over every student-facing file.

    python -m tools.leaks     (every student-facing file; prints one line per leak, exit status 1 if any)

Student-facing files are every file of release/<assignment>/, and so of the zips `make dist` writes
(tools/dist.py checks a zip's files with `check_files` before writing it), and the companion notebooks of
notebooks/, which a course may hand out beside the releases. Each file is checked against the solutions of
every graded function of every assignment (autograder.assignments), not only its own: a student can read all
the releases and the companions, and a line of one assignment's solution is no less a leak in another folder.

The code compared
-----------------
The code cells of notebooks, the code in Markdown (`inline` and fenced, when it parses as Python) and Python
files. Each simple statement (an assignment, a return, an expression; inside functions and loops too) is
normalised as the similarity report normalises a graded cell (autograder.similarity.forms.normalise: every
name written V except numpy's, the assignments' setup names and the graded functions' names; attributes,
keyword arguments, builtins and literal values kept; comments and layout dropped), after two rewritings: the
statement is first written out again by ast.unparse, so that parentheses the grammar does not need and line
breaks do not count, and a lookup by key (parameters["W1"], parameters[f"W{l}"], grads["dW" + str(l)]) is
written as a name, as W1 would be.

What an assignment gives
------------------------
What its release shows by design, read from source/<assignment>/: the code cells of its notebook outside the
solution regions (the locked cells and the given lines of the graded cells), the hints (the code a comment of
a solution region begins with: `# 1. / m * np.dot(dZ3, A2.T), the cross-entropy's part`) and, as whole
statements only, the code of its prose and of its released Python files. What an assignment gives counts for
its own solutions only: a locked cell of one assignment cannot make public a line that another one grades.

The leaks
---------
1. A solution statement. Each statement between START and END CODE HERE of a graded cell is a pattern, unless
   its assignment gives it whole: its normal form, in which each part the assignment gives (a sub-expression
   of at least HOLE_TOKENS tokens found in its given code or hints) is left open, to match any expression. So
   `dW3 = 1. / m * np.dot(dZ3, A2.T) + (lambd / m) * W3` is `V = ... + V / V * V`: what the student writes is
   adding (lambd/m) times a weight to a gradient, however the gradient is written. A pattern is distinctive
   when at least MIN_TOKENS of its tokens are not open; `A1 = A1 * D1` (V = V * V) and `best_iteration = i`
   are not, as a statement matching them is no evidence of anything. A student-facing statement that
   matches a distinctive pattern is a leak.
2. A whole function. A function of a student-facing file whose body holds (normalised statements, counted
   with repetition) more than half of a graded function's solution body, and more than half of the
   statements students write in it, is a leak, even when each of its statements is too short to be
   distinctive (dropout's backward pass is four short lines). The release's own graded cell holds the given
   lines but stubs in place of the others, so it is not one.
3. A graded function's interface. A function of a student-facing file whose positional parameters begin with
   those of a graded function, by name and in order (A3, Y, parameters, lambd), is a leak wherever it is
   defined but in that function's own graded cell: with a wrapper of a line, students could hand it in as
   theirs. Material that teaches a formula gives its code another shape (one weight matrix, a cache of its
   own, the masks as an argument).
4. A solution region left as it is: a statement between START and END CODE HERE in a student-facing notebook
   that is not a `name = None` stub (tools/stubs.py writes nothing else there).
5. Code that does not parse (a code cell, a Python file) cannot be checked, so it is reported too.

Locations: cells are counted from 1, Markdown cells included, as a notebook shows them; lines from 1.
"""

import argparse
import ast
import copy
import functools
import io
import json
import re
import sys
import tokenize
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from autograder import assignments
from autograder.errors import LeakError
from autograder.inside.cells import MARKER, parse
from autograder.notebook import read_cells
from autograder.similarity.baseline import kept_names
from autograder.similarity.forms import normalise

REPO = Path(__file__).resolve().parents[1]
# Tokens a solution statement must have outside its given parts to be distinctive: 8 is the shortest step of the
# course's own, adding (lambd / m) * W to a gradient (V = ... + V / V * V); V = V * V or V = V[V] are shorter.
MIN_TOKENS = 8
HOLE_TOKENS = 4  # a given part shorter than this (lambd / m) stays in the pattern: it is vocabulary, not a step
HOLE = "..."  # an open part of a pattern (no token of a normal form is written so)
KEY = "_key_"  # what a lookup by key is written as before normalising (then V, as every name)
SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
REGION = (re.compile(r"^\s*### START CODE HERE ###"), re.compile(r"^\s*### END CODE HERE ###"))
HIDDEN = (re.compile(r"^\s*### BEGIN HIDDEN TESTS"), re.compile(r"^\s*### END HIDDEN TESTS"))
FENCED = re.compile(r"^\s*```[^\n]*\n(.*?)^\s*```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Leak:
    """A place of a student-facing file that gives a solution away (or that could not be checked)."""
    path: str  # the file, as named to the check: release/tuning/Tuning.ipynb, notebooks/x.ipynb
    where: str  # "cell 11, line 9", "line 40"
    code: str  # what the file holds there
    function: str  # the graded function it gives away (None: code that could not be checked)
    assignment: str  # the assignment that grades it
    reason: str  # why it is a leak, with the solution's statement it matches when there is one

    def __str__(self):
        return f"{self.path}, {self.where}: {self.code} {self.reason}"


@dataclass(frozen=True)
class Secret:
    """One distinctive solution statement, as a pattern."""
    assignment: str
    function: str
    text: str  # the statement as the instructor wrote it
    pattern: tuple  # its normal form, HOLE in place of each part its assignment gives


@dataclass(frozen=True)
class Body:
    """A graded function's solution, as normalised statements."""
    assignment: str
    function: str
    statements: Counter  # every statement of its body
    written: Counter  # those between START and END CODE HERE, which students write
    parameters: tuple  # the names of its positional parameters, in order


@dataclass(frozen=True)
class Solutions:
    """What every student-facing file is checked against: every assignment's secrets and bodies."""
    secrets: tuple
    bodies: tuple
    kept: frozenset  # the names the normal forms keep as they are


@dataclass
class Form:
    """One statement's normal form, with the ranges of its tokens that are whole expressions."""
    tokens: tuple  # the placeholder form, one string per token
    expressions: dict  # {(first token, end token): ast.expr} of its sub-expressions (and of parentheses round them)
    node: ast.stmt  # the statement normalised (keys written as names), parsed again from its unparsed text


class _Keys(ast.NodeTransformer):
    """Write a lookup by key, parameters["W1"] or grads[f"dW{l}"], as a name."""

    def visit_Subscript(self, node):
        if _is_key(node.slice):
            return ast.copy_location(ast.Name(id=KEY, ctx=node.ctx), node)
        return self.generic_visit(node)


def _is_key(node):
    """True for a string, an f-string, or a sum with one: a key, not an index."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_key(node.left) or _is_key(node.right)
    return isinstance(node, ast.JoinedStr)


def _offsets(text):
    """A function from ast's (line, UTF-8 column) to a character offset in text."""
    lines = text.splitlines(keepends=True) or [""]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return lambda row, column: starts[row - 1] + len(lines[row - 1].encode()[:column].decode(errors="ignore"))


def form(statement, kept):
    """The Form of one statement (an ast.stmt), or None for one that normalises to nothing (a docstring)."""
    text = ast.unparse(_Keys().visit(copy.deepcopy(statement)))
    normalised, _, _ = normalise(text, kept | {KEY})
    if len(normalised) != 1:
        return None
    tokens = tuple("V" if token == KEY else token for token in normalised[0].placeholder)
    starts = [start for start, _ in normalised[0].spans]
    ends = [end for _, end in normalised[0].spans]
    node = ast.parse(text).body[0]
    offset = _offsets(text)
    expressions = {}
    for expression in ast.walk(node):
        if isinstance(expression, ast.expr):
            first = bisect_left(starts, offset(expression.lineno, expression.col_offset))
            end = bisect_right(ends, offset(expression.end_lineno, expression.end_col_offset))
            if first < end:
                expressions.setdefault((first, end), expression)
                # (a + b) can stand where a pattern is open, as a + b can
                while first > 0 and end < len(tokens) and tokens[first - 1] == "(" and tokens[end] == ")":
                    first, end = first - 1, end + 1
                    expressions.setdefault((first, end), expression)
    return Form(tokens, expressions, node)


def _forms(nodes, kept):
    return [found for found in (form(node, kept) for node in nodes) if found is not None]


def statements(tree):
    """The simple statements of a parsed module or function, at any depth, in the order of the source."""
    found = [node for node in ast.walk(tree) if isinstance(node, SIMPLE)]
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def _between(lines, markers):
    """The 1-based numbers of the lines strictly between each pair of markers (a set)."""
    inside, numbers = False, set()
    for number, line in enumerate(lines, start=1):
        if markers[0].match(line):
            inside = True
        elif markers[1].match(line):
            inside = False
        elif inside:
            numbers.add(number)
    return numbers


def _hints(source, lines):
    """The code that the comments on these lines begin with: [ast.stmt], the longest start of each that parses."""
    try:
        comments = [(token.start[0], token.string.lstrip("#").strip())
                    for token in tokenize.generate_tokens(io.StringIO(source).readline)
                    if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []
    found = []
    for number, comment in comments:
        if number not in lines:
            continue
        cuts = sorted({match.start() for match in re.finditer(r"[\s,;:]", comment)} | {len(comment)}, reverse=True)
        for cut in cuts:
            try:
                tree = ast.parse(comment[:cut])
            except SyntaxError:
                continue
            if tree.body and not (isinstance(tree.body[0], ast.Expr)
                                  and isinstance(tree.body[0].value, (ast.Name, ast.Constant))):
                found.extend(tree.body)  # a word or a number is not a hint
            break
    return found


def prose_code(text):
    """The code of a Markdown text: its fenced blocks and inline code that parse as Python, [ast.Module]."""
    trees = []
    for snippet in FENCED.findall(text) + INLINE.findall(FENCED.sub("", text)):
        try:
            trees.append(ast.parse(snippet))
        except (SyntaxError, ValueError):
            continue  # prose, a shell command, a formula
    return trees


def _pieces(found):
    """The token tuples of a Form's sub-expressions (a set)."""
    return {found.tokens[first:end] for first, end in found.expressions}


def _pattern(found, given):
    """A statement's tokens with each largest given part of its value open: a tuple, HOLE in place of each."""
    value = getattr(found.node, "value", None)
    if value is None:
        return found.tokens
    ranges = {}
    for key, expression in found.expressions.items():
        ranges.setdefault(id(expression), key)  # its own tokens, not those of parentheses around it
    holes = []

    def visit(expression):
        key = ranges.get(id(expression))
        if key is not None and key[1] - key[0] >= HOLE_TOKENS and found.tokens[key[0]:key[1]] in given:
            holes.append(key)
            return
        for child in ast.iter_child_nodes(expression):
            if isinstance(child, ast.expr):
                visit(child)
    visit(value)
    pattern, position = [], 0
    for first, end in sorted(holes):
        pattern.extend(found.tokens[position:first])
        pattern.append(HOLE)
        position = end
    pattern.extend(found.tokens[position:])
    return tuple(pattern)


def _parameters(node):
    """The names of a function definition's positional parameters, a tuple."""
    return tuple(argument.arg for argument in node.args.posonlyargs + node.args.args)


def _graded_name(source):
    """The function a graded cell is for (its first line `# GRADED FUNCTION: <name>`), or None."""
    return source.splitlines()[0].removeprefix(MARKER).strip() if source.startswith(MARKER) else None


def _assignment_solutions(assignment, kept):
    """(secrets, bodies) of one assignment, read from its source folder."""
    given_statements, given_pieces, written, hints, bodies = set(), set(), [], [], []
    for cell in read_cells(assignment.source_notebook):
        if cell["cell_type"] != "code":
            for tree in prose_code(cell["source"]):
                given_statements.update(found.tokens for found in _forms(statements(tree), kept))
            continue
        source, tree = parse(cell["source"])
        lines = source.splitlines()
        regions, hidden = _between(lines, REGION), _between(lines, HIDDEN)
        hints.extend(_hints(source, regions))
        graded = _graded_name(source)
        for statement in statements(tree):
            found = form(statement, kept) if statement.lineno not in hidden else None
            if found is None:
                continue
            if statement.lineno in regions:
                written.append((graded or "a solution region", ast.get_source_segment(source, statement), found))
            else:
                given_statements.add(found.tokens)
                given_pieces.update(_pieces(found))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == graded:
                body = [(inner.lineno in regions, found) for inner in statements(node) if (found := form(inner, kept))]
                bodies.append(Body(assignment.name, graded, Counter(found.tokens for _, found in body),
                                   Counter(found.tokens for inside, found in body if inside), _parameters(node)))
    for path in sorted(assignment.source_notebook.parent.glob("*.py")):
        if path.name not in assignments.PRIVATE:
            given_statements.update(found.tokens for found in _forms(statements(ast.parse(path.read_text())), kept))
    for found in _forms(hints, kept):
        given_pieces.update(_pieces(found))
    secrets = []
    for function, text, found in written:
        if found.tokens not in given_statements:
            pattern = _pattern(found, given_pieces)
            if sum(token != HOLE for token in pattern) >= MIN_TOKENS:
                secrets.append(Secret(assignment.name, function, text, pattern))
    return secrets, bodies


@functools.cache
def solutions():
    """The Solutions of every assignment of source/ (read once per process)."""
    loaded = [assignments.load(name) for name in assignments.names()]
    kept = frozenset().union(*(kept_names(assignment) for assignment in loaded))
    secrets, bodies = [], []
    for assignment in loaded:
        found, graded = _assignment_solutions(assignment, kept)
        secrets.extend(found)
        bodies.extend(graded)
    return Solutions(tuple(secrets), tuple(bodies), kept)


def matches(pattern, found):
    """True when a Form is an instance of a pattern: each HOLE stands for one whole sub-expression."""
    tokens = found.tokens
    if HOLE not in pattern:
        return pattern == tokens
    ends = {}
    for first, end in found.expressions:
        ends.setdefault(first, []).append(end)

    @functools.cache
    def match(p, t):
        if p == len(pattern):
            return t == len(tokens)
        if pattern[p] == HOLE:
            return any(match(p + 1, end) for end in ends.get(t, ()))
        return t < len(tokens) and tokens[t] == pattern[p] and match(p + 1, t + 1)
    return match(0, 0)


def _units(name, data):
    """The parts of a student-facing file to read: [(where, source, True for code and False for Markdown)]."""
    if name.endswith(".ipynb"):
        units = []
        for index, cell in enumerate(json.loads(data.decode("utf-8"))["cells"]):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] in ("code", "markdown"):
                units.append((f"cell {index + 1}", source, cell["cell_type"] == "code"))
        return units
    if name.endswith((".py", ".md")):
        return [("", data.decode("utf-8"), name.endswith(".py"))]
    return []  # data (the dataset), requirements.txt


def _where(unit, line):
    return f"{unit}, line {line}" if unit else f"line {line}"


def scan(name, data, against=None):
    """The leaks of one student-facing file: [Leak], in the file's order.

    name -- the file's path, as the leaks name it; its ending says how to read it (.ipynb, .py, .md; others
            are data and hold no code)
    data -- its bytes
    against -- the Solutions to look for (default: every assignment's, solutions())
    """
    against = against or solutions()
    leaks = []
    for unit, source, is_code in _units(name, data):
        if not is_code:
            for tree in prose_code(source):
                leaks.extend(_statement_leaks(name, f"{unit} (Markdown)".strip(), tree, None, against))
            continue
        try:
            source, tree = parse(source)
        except (SyntaxError, ValueError) as error:
            leaks.append(Leak(name, _where(unit, getattr(error, "lineno", None) or 1), "this code", None, None,
                              f"does not parse as Python ({error}), so it cannot be checked for solutions: fix it"))
            continue
        leaks.extend(_statement_leaks(name, unit, tree, source, against))
        leaks.extend(_function_leaks(name, unit, tree, source, against))
        if name.endswith(".ipynb"):
            leaks.extend(_region_leaks(name, unit, tree, source))
    return leaks


def _code(statement, source):
    """A statement as the file writes it (as ast.unparse does for code read from prose)."""
    return repr((ast.get_source_segment(source, statement) if source else None) or ast.unparse(statement))


def _statement_leaks(name, unit, tree, source, against):
    leaks = []
    for statement in statements(tree):
        found = form(statement, against.kept)
        for secret in against.secrets if found else ():
            if matches(secret.pattern, found):
                where = _where(unit, statement.lineno) if source else unit
                leaks.append(Leak(name, where, _code(statement, source), secret.function, secret.assignment,
                                  f"matches a line of the solution of {secret.function} ({secret.assignment}), "
                                  f"{secret.text!r}"))
                break
    return leaks


def _function_leaks(name, unit, tree, source, against):
    leaks = []
    graded = _graded_name(source)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        held = Counter(found.tokens for found in _forms(statements(node), against.kept))
        parameters = _parameters(node)
        where, code = _where(unit, node.lineno), f"def {node.name}({', '.join(parameters)})"
        for body in against.bodies:
            graded_ones = ", ".join(body.parameters)
            if body.parameters and parameters[:len(body.parameters)] == body.parameters and node.name != graded:
                leaks.append(Leak(name, where, code, body.function, body.assignment,
                                  f"takes the arguments of {body.function} ({body.assignment}), ({graded_ones}): "
                                  "with a one-line wrapper it could be handed in for it; give it another shape"))
                continue
            common = sum((held & body.statements).values())
            written = sum((held & body.written).values())
            if 2 * common > body.statements.total() and 2 * written > body.written.total():
                leaks.append(Leak(name, where, code, body.function, body.assignment,
                                  f"holds most of the solution of {body.function} ({body.assignment}): "
                                  f"{common} of the {body.statements.total()} statements of its body, "
                                  f"{written} of the {body.written.total()} that students write"))
    return leaks


def _is_stub(statement):
    """True for `name = None`, `a, b = None, None` or `a = b = None`, the stubs tools/stubs.py writes."""
    if not isinstance(statement, ast.Assign):
        return False
    values = statement.value.elts if isinstance(statement.value, ast.Tuple) else [statement.value]
    targets = [name for target in statement.targets
               for name in (target.elts if isinstance(target, ast.Tuple) else [target])]
    return (all(isinstance(value, ast.Constant) and value.value is None for value in values)
            and all(isinstance(target, ast.Name) for target in targets))


def _region_leaks(name, unit, tree, source):
    regions = _between(source.splitlines(), REGION)
    graded = _graded_name(source)
    return [Leak(name, _where(unit, statement.lineno), _code(statement, source), graded, None,
                 f"is left between START and END CODE HERE of {graded or 'a cell'}, where students get "
                 "`name = None` stubs only: run `make release` (tools/stubs.py writes the stubs)")
            for statement in statements(tree) if statement.lineno in regions and not _is_stub(statement)]


def describe(leaks):
    """One message for a list of leaks: how many, one line each, and what to do."""
    lines = "".join(f"\n  {leak}" for leak in leaks)
    return (f"{len(leaks)} place(s) of what students receive give a graded solution away:{lines}\n"
            "Rewrite each where it comes from (source/<assignment>/ for a release, then `make release`; "
            "notebooks/ for a companion), as docs/authoring.md says ('What students must not receive')")


def check_files(files, prefix=""):
    """Raise LeakError naming every leak of these files ({path: bytes}; prefix goes before each path)."""
    leaks = [leak for path, data in sorted(files.items()) for leak in scan(prefix + path, data)]
    if leaks:
        raise LeakError(describe(leaks))


def student_facing(repo=REPO):
    """{path from the repository: bytes} of every student-facing file: release/*/ and notebooks/*.ipynb."""
    files = {}
    for path in sorted((repo / "release").rglob("*")) + sorted((repo / "notebooks").glob("*.ipynb")):
        if (path.is_file() and "__pycache__" not in path.parts
                and ".ipynb_checkpoints" not in path.parts):
            files[path.relative_to(repo).as_posix()] = path.read_bytes()
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    leaks = [leak for path, data in student_facing().items() for leak in scan(path, data)]
    if leaks:
        sys.exit(f"error: {describe(leaks)}")
    print("No solution in any student-facing file (release/, notebooks/).")


if __name__ == "__main__":
    main()
