"""Generate the example submissions of examples/submissions/ (deterministic): `make examples`.

    python examples/make_examples.py [--output DIR]

Each example is the student release with its graded cells filled in: the
instructor's solutions, edited by variants of tests/mutants.py.
- ada: the complete solution;
- ben: three typical mistakes (the 1/2 of the L2 cost, reseeding inside the
  dropout forward pass, no scaling in the dropout backward pass);
- cleo: the release as downloaded, nothing done;
- dev: right, but written differently (masks from np.random.binomial, `@`, in-place operators).
"""

import argparse
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from mutants import CORRECT, MUTANTS, submission  # noqa: E402

RELEASE_NOTEBOOK = REPO / "release" / "regularization" / "Regularization.ipynb"
SOURCE_NOTEBOOK = REPO / "source" / "regularization" / "Regularization.ipynb"
OUTPUT = REPO / "examples" / "submissions"


def by_mistake(corpus, mistake):
    return next(variant for variant in corpus if variant.mistake == mistake)


def examples():
    """(student_id, notebook) pairs."""
    mistakes = [by_mistake(MUTANTS, "missing 1/2"), by_mistake(MUTANTS, "reseeding inside the function"),
                by_mistake(MUTANTS, "no scaling in backward")]
    different = [variant for variant in CORRECT if not variant.visible
                 or "@" in variant.edits[0][1] or "*=" in variant.edits[0][1]]
    return [
        ("ada", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)),
        ("ben", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, mistakes)),
        ("cleo", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, filled=False)),
        ("dev", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, different)),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: examples/submissions/")
    args = parser.parse_args(argv)
    for student, notebook in examples():
        folder = args.output / student / "regularization"
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / "Regularization.ipynb")
        print(f"Wrote {folder / 'Regularization.ipynb'}")


if __name__ == "__main__":
    main()
