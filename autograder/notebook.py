"""Read the definitions out of a notebook without running its other code.

A notebook trains models, draws plots and prints; a test or a grader wants
only its functions. ``load_definitions`` keeps each code cell's imports and
function and class definitions (autograder.inside.cells.KEPT_STATEMENTS, as the grader
keeps of a graded cell), drops every other top-level statement (training calls,
prints, IPython magics) and executes what is left in a fresh namespace.
"""

import ast
import json
import sys
from pathlib import Path

from autograder.inside.cells import KEPT_STATEMENTS, parse


def read_cells(path):
    """The cells of a notebook of this kit (nbformat 4), as dicts whose "source" is one string.

    Plain JSON: nbformat's validation is for files that come from elsewhere (student
    submissions), and importing nbformat takes about a second, which every kernel that
    runs the hidden tests would pay.
    """
    with open(path, encoding="utf-8") as handle:
        cells = json.load(handle)["cells"]
    return [{**cell, "source": "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]}
            for cell in cells]


def definitions(cells, origin="notebook"):
    """Parse code cells and keep their imports and function and class definitions.

    Arguments:
    cells -- cells as read_cells gives them
    origin -- where the cells come from, for error messages

    Returns:
    module -- an ast.Module holding the kept statements, in notebook order
    """
    body = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        try:
            _, tree = parse(cell["source"])  # %magics blanked out, as in the grader
        except SyntaxError as error:
            raise SyntaxError(f"{origin}: code cell {index} does not parse: {error.msg} "
                              f"(line {error.lineno} of the cell)") from error
        body.extend(node for node in tree.body if isinstance(node, KEPT_STATEMENTS))
    return ast.Module(body=body, type_ignores=[])


def load_definitions(path):
    """Execute a notebook's imports and function definitions and return them.

    The notebook's own modules (the files beside it that are not links to course-wide ones, e.g. its
    public_tests.py) are importable under their plain names while the definitions run, and only then:
    two assignments' public_tests.py never meet in sys.modules.

    Arguments:
    path -- path of an .ipynb file; its other imports must be importable from the caller's sys.path

    Returns:
    namespace -- dict mapping each defined or imported name to its object
    """
    folder = str(Path(path).parent)
    own = [p.stem for p in Path(folder).glob("*.py") if not p.is_symlink()]
    saved = {name: sys.modules.pop(name) for name in own if name in sys.modules}
    namespace = {"__name__": Path(path).stem}
    sys.path.insert(0, folder)
    try:
        exec(compile(definitions(read_cells(path), path), str(path), "exec"), namespace)
    finally:
        sys.path.remove(folder)
        for name in own:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
    return namespace
