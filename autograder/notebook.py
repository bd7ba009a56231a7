"""Read the definitions out of a notebook without running its other code.

A notebook trains models, draws plots and prints; a test or a grader wants
only its functions. ``load_definitions`` keeps each code cell's imports and
function definitions, drops every other top-level statement (training calls,
prints, IPython magics) and executes what is left in a fresh namespace.
"""

import ast
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef)


def definitions(path):
    """Parse a notebook's code cells and keep their imports and function definitions.

    Arguments:
    path -- path of an .ipynb file, or a notebook already read (nbformat.NotebookNode)

    Returns:
    module -- an ast.Module holding the kept statements, in notebook order
    """
    if isinstance(path, nbformat.NotebookNode):
        notebook, path = path, "notebook"
    else:
        path = Path(path)
        notebook = nbformat.read(path, as_version=4)
    transformer = TransformerManager()
    body = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        # Turns %magics into plain calls, which are then dropped like any other call.
        source = transformer.transform_cell(cell.source)
        try:
            tree = ast.parse(source, filename=f"{path} (cell {index})")
        except SyntaxError as error:
            raise SyntaxError(f"{path}: code cell {index} does not parse: {error.msg} "
                              f"(line {error.lineno} of the cell)") from error
        body.extend(node for node in tree.body if isinstance(node, KEPT_STATEMENTS))
    return ast.Module(body=body, type_ignores=[])


def load_definitions(path):
    """Execute a notebook's imports and function definitions and return them.

    Arguments:
    path -- path of an .ipynb file; its imports must be importable from the caller's sys.path

    Returns:
    namespace -- dict mapping each defined or imported name to its object
    """
    namespace = {"__name__": Path(path).stem}
    exec(compile(definitions(path), str(path), "exec"), namespace)
    return namespace
