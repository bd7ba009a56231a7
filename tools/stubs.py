"""nbgrader preprocessor: turn START/END CODE HERE regions into `name = None` stubs.

nbgrader's ClearSolutions replaces a `### BEGIN SOLUTION` region with
`raise NotImplementedError()`. This course's exercises are written instead as

    ### START CODE HERE ### (approx. 2 lines)
    D1 = np.random.rand(A1.shape[0], A1.shape[1])  # Step 1: ...
    D1 = (D1 < keep_prob).astype(int)  # Step 2: ...
    ### END CODE HERE ###

and students receive the same region with each statement reduced to its
target and its comment:

    ### START CODE HERE ### (approx. 2 lines)
    D1 = None  # Step 1: ...
    D1 = None  # Step 2: ...
    ### END CODE HERE ###

Stubs for other statements: `a, b = ...` gives `a, b = None, None`;
`a = b = ...` gives `a = b = None`; `x += ...` and `x: T = ...` give
`x = None`; any other statement (a call, a subscript target, a loop) becomes
a comment line. A statement over several lines gives one stub line. Regions
with BEGIN/END SOLUTION delimiters are handled as nbgrader does.
"""

import ast
import io
import re
import textwrap
import tokenize

from nbgrader.preprocessors import ClearSolutions

START = re.compile(r"^\s*### START CODE HERE ###")
END = re.compile(r"^\s*### END CODE HERE ###")
FALLBACK_COMMENT = "your code here"


class StubRegionError(RuntimeError):
    """A START/END CODE HERE region that cannot be turned into stubs."""


def _comments(source):
    """Map line number (1-based) -> comment text without '#', for one block of code."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def _names(target):
    """(text, count) for a plain name or a tuple/list of plain names; None for anything else."""
    if isinstance(target, ast.Name):
        return target.id, 1
    if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
        return ", ".join(e.id for e in target.elts), len(target.elts)
    return None


def _target_stub(node):
    """The assignment of None that stubs a statement, or None when it assigns no plain name."""
    if isinstance(node, ast.Assign):
        parts = [_names(target) for target in node.targets]
        # a = b = expr is stubbed only when every target has the same number of names.
        if None in parts or len({count for _, count in parts}) != 1:
            return None
        return " = ".join(text for text, _ in parts) + " = " + ", ".join(["None"] * parts[0][1])
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
        return f"{node.target.id} = None"
    return None


def stub_region(lines, where):
    """Stub lines for the body of one region.

    Arguments:
    lines -- the source lines strictly between the START and END markers
    where -- description of the region's place, for error messages

    Returns:
    stubbed -- list of lines: blank and comment-only lines kept, one stub per statement
    """
    body = "\n".join(lines)
    dedented = textwrap.dedent(body)
    try:
        tree = ast.parse(dedented)
        comments = _comments(dedented)
    except (SyntaxError, tokenize.TokenError) as error:
        line = getattr(error, "lineno", None) or (error.args[1][0] if len(error.args) > 1 else "?")
        raise StubRegionError(f"{where}: the code between START and END CODE HERE does not parse "
                              f"(line {line} of the region: {error.args[0]}). Fix it in the source notebook.")
    statement_lines = set()
    stubs = {}
    for node in tree.body:
        span = range(node.lineno, node.end_lineno + 1)
        statement_lines.update(span)
        comment = comments.get(node.end_lineno) or next(
            (comments[n] for n in span if n in comments), FALLBACK_COMMENT)
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        target = _target_stub(node)
        stubs[node.lineno] = f"{indent}{target}  # {comment}" if target else f"{indent}# {comment}"
    stubbed = []
    for number, line in enumerate(lines, start=1):
        if number in stubs:
            stubbed.append(stubs[number])
        elif number not in statement_lines:
            stubbed.append(line)  # blank or comment-only
    return stubbed


def stub_cell_source(source, where):
    """Replace the body of every START/END CODE HERE region of a cell's source by stubs.

    Returns:
    (source, replaced) -- the new source, and whether it had any region
    """
    lines = source.split("\n")
    out, region, start_line = [], None, None
    for number, line in enumerate(lines, start=1):
        if START.match(line):
            if region is not None:
                raise StubRegionError(f"{where}, line {number}: START CODE HERE inside another region "
                                      f"(opened at line {start_line}) with no END CODE HERE between them.")
            region, start_line = [], number
            out.append(line)
        elif END.match(line):
            if region is None:
                raise StubRegionError(f"{where}, line {number}: END CODE HERE without a START CODE HERE.")
            out.extend(stub_region(region, f"{where}, region starting at line {start_line}"))
            out.append(line)
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise StubRegionError(f"{where}, line {start_line}: START CODE HERE has no END CODE HERE.")
    return "\n".join(out), start_line is not None


class StubSolutions(ClearSolutions):
    """ClearSolutions that also turns START/END CODE HERE regions into stubs."""

    def preprocess_cell(self, cell, resources, cell_index):
        self._where = f"notebook {resources.get('unique_key', '?')}, cell {cell_index}"
        return super().preprocess_cell(cell, resources, cell_index)

    def _replace_solution_region(self, cell, language):
        # A cell with regions keeps everything outside them, as with BEGIN/END SOLUTION.
        stubbed = False
        if cell.cell_type == "code":
            cell.source, stubbed = stub_cell_source(cell.source, self._where)
        return super()._replace_solution_region(cell, language) or stubbed
