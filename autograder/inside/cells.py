"""Read the graded cells out of a submitted notebook (runs inside the sandbox, on the student's file).

Everything here works on data the student controls, so it runs where student
code runs: in the sandbox's worker (reading the notebook: linear in its size)
and in the child that grades one function (parsing the cell), under the
sandbox's limits and the grader's deadlines. It imports nothing of the grader's,
and nothing here takes more than linear time in the notebook's size.
"""

import ast
import json
import re

MARKER = "# GRADED FUNCTION: "
KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
STUB = re.compile(r"^\s*[A-Za-z_]\w*( *, *[A-Za-z_]\w*)* = None( *, *None)*\s*(#.*)?$")


class Unreadable(ValueError):
    """The submitted file is not a notebook this grader can read."""


def code_cells(data):
    """The sources of a notebook's code cells, from the file's bytes (nbformat 4's JSON, checked by hand).

    Raises Unreadable, with the reason, when the bytes are not such a notebook.
    """
    try:
        notebook = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Unreadable(f"it is not UTF-8 text: byte {error.start} is not valid") from None
    except RecursionError:
        raise Unreadable("its JSON is nested too deeply") from None
    except ValueError as error:
        raise Unreadable(f"it is not valid JSON: {str(error)[:200]}") from None
    if type(notebook) is not dict or type(notebook.get("cells")) is not list:
        raise Unreadable("it has no list of cells")
    if notebook.get("nbformat") != 4:
        raise Unreadable(f"it is not in notebook format 4 (nbformat: {str(notebook.get('nbformat'))[:20]})")
    sources = []
    for index, cell in enumerate(notebook["cells"]):
        if type(cell) is not dict:
            raise Unreadable(f"cell {index} is not a cell")
        source = cell.get("source", "")
        if type(source) is list and all(type(line) is str for line in source):
            source = "".join(source)
        if type(source) is not str:
            raise Unreadable(f"the source of cell {index} is not text")
        if cell.get("cell_type") == "code":
            sources.append(source)
    return sources


def graded_cells(sources):
    """The source of each graded cell, by function name (a list: a student may duplicate a cell)."""
    cells = {}
    for source in sources:
        if source.startswith(MARKER):
            name = source.splitlines()[0].removeprefix(MARKER).strip()
            cells.setdefault(name, []).append(source)
    return cells


def not_started(source):
    """True when every statement between START and END CODE HERE is still a `name = None` stub."""
    inside, statements = False, []
    for line in source.splitlines():
        if "### START CODE HERE ###" in line:
            inside = True
        elif "### END CODE HERE ###" in line:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            statements.append(line)
    return bool(statements) and all(STUB.match(line) for line in statements)


MAGIC = re.compile(r"^\s*[%!?]|^\s*[\w.]+\?\??\s*$")  # IPython's magics, shell escapes, help (obj?, obj??)


def parse(source):
    """The AST of a cell, and the source it was parsed from: IPython's magics (%, %%), shell escapes (!) and help
    requests (?) are blanked out first when the cell is not plain Python.

    Linear in the cell's size: IPython's own transformer takes seconds on a cell of a few hundred magics, and what
    it turns them into is a call that would be dropped or fail in the grader anyway. Blank lines keep the line
    numbers. Raises SyntaxError, RecursionError, MemoryError or ValueError (a NUL byte).
    """
    try:
        return source, ast.parse(source)
    except SyntaxError:
        pass
    source = "\n".join("" if MAGIC.search(line) else line for line in source.splitlines())
    return source, ast.parse(source)


def student_code(source, name):
    """The imports and function and class definitions of a graded cell, other statements blanked out.

    Blank lines keep the line numbers of the cell, so tracebacks point at the student's lines.

    Returns:
    code -- the code to run, or None
    problem -- None, or why the cell cannot be used
    """
    try:
        source, tree = parse(source)
    except SyntaxError as error:
        return None, (f"the cell of {name} has a syntax error at line {error.lineno}: {error.msg}. "
                      "Run the cell in Jupyter to see where, and fix it.")
    except (RecursionError, MemoryError, ValueError):
        return None, f"the cell of {name} could not be read as Python (nested too deeply, or too large)."
    lines = source.splitlines()
    for node in tree.body:
        if not isinstance(node, KEPT_STATEMENTS):
            for number in range(node.lineno - 1, node.end_lineno):
                lines[number] = ""
    if not any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body):
        return None, f"the cell marked GRADED FUNCTION: {name} does not define a function called {name}."
    return "\n".join(lines) + "\n", None
