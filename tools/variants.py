"""Wrong and right variants of an assignment's graded functions, to test its tests; and the example submissions.

Each assignment's source/<name>/mutants.py lists:

- MUTANTS: each models one plausible student mistake, named in `mistake`
  (unique for its function; each breaks a clause of its function's contract,
  see HiddenTests.contracts); `cause` is a fragment of the message that the
  visible and the hidden tests must both give for it (None: it must be
  caught, and the message must name no likely cause rather than a wrong one);
- CORRECT: other right ways to write a function, which must get full marks;
- EXAMPLES: the example class of examples/submissions/, {student: the
  variants applied to the instructor's solutions, or None for the release as
  downloaded}.

A variant edits a graded function's cell of the source notebook (text
replacements, applied in order). `visible` is False when the visible test
cannot tell: a mutant right on the documented case (only the hidden tests
catch it), or a correct variant that draws its random numbers with another
numpy call (only the hidden tests, which grade it by what it is, accept it).
"""

from dataclasses import dataclass

import nbformat


@dataclass(frozen=True)
class Variant:
    function: str
    edits: tuple  # (find, replace) pairs
    mistake: str = ""
    cause: str | None = None
    visible: bool = True

    @property
    def label(self):
        return f"{self.function}: {self.mistake or self.edits[0][1][:40]}"


def edit(find, replace):
    return ((find, replace),)


RESEEDED = "changed the state of numpy's global random generator"  # the hidden tests' message for it


def reseeded(line):
    """Edits that reseed numpy's global generator before a line of the cell (a mistake for any function that
    promises to leave the generator alone)."""
    return edit(line, f"    np.random.seed(0)\n{line}")


def by_mistake(variants, mistake):
    """The variant of a list that models this mistake."""
    return next(variant for variant in variants if variant.mistake == mistake)


def graded_cell(notebook_path, function):
    """Source of the cell that defines a graded function."""
    notebook = nbformat.read(notebook_path, as_version=4)
    return next(cell.source for cell in notebook.cells
                if cell.source.startswith(f"# GRADED FUNCTION: {function}\n"))


def edited_source(variant, source):
    """The cell source with the variant's edits; fails if a text to replace is missing, so that a
    variant never silently becomes the unchanged solution when the notebook is edited."""
    for find, replace in variant.edits:
        assert find in source, f"{variant.function}'s cell no longer contains {find!r}"
        source = source.replace(find, replace, 1)
    return source


def apply(variant, notebook_path, namespace):
    """The variant's function, defined in a copy of namespace (the notebook's definitions)."""
    scope = dict(namespace)
    source = edited_source(variant, graded_cell(notebook_path, variant.function))
    exec(compile(source, variant.function, "exec"), scope)
    return scope[variant.function]


def submission(release_path, source_path, variants=(), filled=True):
    """A student's notebook built from the release: the instructor's solutions in its graded cells
    (unless not filled), with the variants' edits applied to their functions' cells."""
    notebook = nbformat.read(release_path, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell.source
                 for cell in nbformat.read(source_path, as_version=4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if filled:
            cell.source = solutions[grade_id]
        for variant in variants:
            if variant.function == grade_id:
                cell.source = edited_source(variant, cell.source)
    return notebook
