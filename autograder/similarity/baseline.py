"""What every submission of an assignment is compared against: the names kept as they are, and the release's
and the instructor's solution's graded cells (read from the course kit's own notebooks, trusted).
"""

import ast

from autograder import errors
from autograder.inside import cells
from autograder.similarity.features import read_code, statement_features
from autograder.similarity.forms import normalise

MODULES = frozenset({"np", "numpy", "math", "scipy", "random"})


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
    path = assignment.release_notebook
    if not path.is_file():
        raise errors.UsageError(f"no release of {assignment.name} at {path}: the starter code is needed to leave "
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
