"""Generate the example submissions of examples/submissions/ (deterministic): `make examples`.

    python examples/make_examples.py [--output DIR]

Each example is the student release with its graded cells filled in: the
instructor's solutions, edited by variants of tests/mutants.py. The same four
students hand in both assignments:
- ada: the complete solutions;
- ben: three typical mistakes in each (Regularization: the 1/2 of the L2 cost,
  reseeding inside the dropout forward pass, no scaling in the dropout
  backward pass; Tuning: the 1/2 of L2 kept in the L1 cost, labels not
  shuffled with their examples, the best parameters kept without a copy);
- cleo: the releases as downloaded, nothing done;
- dev: right, but written differently (Regularization: masks from
  np.random.binomial, `@`, in-place operators; Tuning: one other correct way
  to write each function).
"""

import argparse
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from mutants import CORRECT, MUTANTS, TUNING_CORRECT, TUNING_MUTANTS, submission  # noqa: E402

RELEASE_NOTEBOOK = REPO / "release" / "regularization" / "Regularization.ipynb"
SOURCE_NOTEBOOK = REPO / "source" / "regularization" / "Regularization.ipynb"
TUNING_RELEASE = REPO / "release" / "tuning" / "Tuning.ipynb"
TUNING_SOURCE = REPO / "source" / "tuning" / "Tuning.ipynb"
OUTPUT = REPO / "examples" / "submissions"


def by_mistake(corpus, mistake):
    return next(variant for variant in corpus if variant.mistake == mistake)


def examples():
    """(student_id, release notebook, notebook) triples: the submission is named and placed like its release."""
    mistakes = [by_mistake(MUTANTS, "missing 1/2"), by_mistake(MUTANTS, "reseeding inside the function"),
                by_mistake(MUTANTS, "no scaling in backward")]
    different = [variant for variant in CORRECT if not variant.visible
                 or "@" in variant.edits[0][1] or "*=" in variant.edits[0][1]]
    tuning_mistakes = [by_mistake(TUNING_MUTANTS, "the 1/2 of L2 kept"),
                       by_mistake(TUNING_MUTANTS, "labels not shuffled"),
                       by_mistake(TUNING_MUTANTS, "no copy of the best parameters")]
    first_of_each = {}
    for variant in TUNING_CORRECT:
        first_of_each.setdefault(variant.function, variant)
    return [
        ("ada", RELEASE_NOTEBOOK, submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)),
        ("ben", RELEASE_NOTEBOOK, submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, mistakes)),
        ("cleo", RELEASE_NOTEBOOK, submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, filled=False)),
        ("dev", RELEASE_NOTEBOOK, submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, different)),
        ("ada", TUNING_RELEASE, submission(TUNING_RELEASE, TUNING_SOURCE)),
        ("ben", TUNING_RELEASE, submission(TUNING_RELEASE, TUNING_SOURCE, tuning_mistakes)),
        ("cleo", TUNING_RELEASE, submission(TUNING_RELEASE, TUNING_SOURCE, filled=False)),
        ("dev", TUNING_RELEASE, submission(TUNING_RELEASE, TUNING_SOURCE, list(first_of_each.values()))),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: examples/submissions/")
    args = parser.parse_args(argv)
    for student, release, notebook in examples():
        folder = args.output / student / release.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / release.name)
        print(f"Wrote {folder / release.name}")


if __name__ == "__main__":
    main()
