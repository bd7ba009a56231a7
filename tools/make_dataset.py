"""Generate the football dataset of the Regularization assignment.

    python -m tools.make_dataset            # writes datasets/data.mat      (or: make dataset)
    python -m tools.make_dataset --table    # trains the notebook's three models on 10 seeds  (or: make dataset-table)

Each example is a spot on the field where a goalkeeper's long kick came down,
and its label says which team won the header there: 1 for our team, 0 for
the opponents. Headers are scattered over an oval part of the field. A curved
line splits it into the zone our players usually win (above the line) and the
zone the opponents usually win; close to the line either team may win, and a
few headers anywhere go to the "wrong" team. That noise is what an
unregularised network learns by heart.

The file has the layout of the classic exercise: X (211, 2), y (211, 1),
Xval (200, 2), yval (200, 1), examples as rows, labels as uint8.
"""

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import scipy.io

from autograder.notebook import load_definitions

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "datasets" / "data.mat"
# The header that the committed data.mat holds: it names the generator's first path, and changing it would change
# the file's bytes.
HEADER = "MATLAB 5.0 MAT-file, football dataset, datasets/make_football.py seed {seed}"
SEED = 9  # chosen by the rule in datasets/README.md
M_TRAIN, M_TEST = 211, 200
BOUNDARY_SOFTNESS = 0.01  # width of the contested band around the line
UPSET_RATE = 0.06  # share of headers won by the other team, anywhere


def boundary_distance(X):
    """Signed distance-like score of points from the curved line; positive above it.

    Arguments:
    X -- points, of shape (2, m)

    Returns:
    d -- score, of shape (m,)
    """
    x1, x2 = X
    line = 0.9 * (x1 + 0.15) - 0.05 + 0.12 * np.sin(7 * x1)
    return (x2 - line) / np.sqrt(1 + 0.9 ** 2)


def draw_headers(rng, m):
    """Draw m headers: positions uniform in an oval, labels from the noisy rule.

    Arguments:
    rng -- a numpy Generator
    m -- number of examples

    Returns:
    X -- positions, of shape (2, m), rounded to 6 decimals
    y -- labels (0 or 1), uint8 of shape (m,)
    """
    radius = np.sqrt(rng.uniform(0, 1, m))
    angle = rng.uniform(0, 2 * np.pi, m)
    X = np.round(np.stack([-0.15 + 0.45 * radius * np.cos(angle),
                           -0.05 + 0.65 * radius * np.sin(angle)]), 6)
    p_our_team = 1 / (1 + np.exp(-boundary_distance(X) / BOUNDARY_SOFTNESS))
    y = rng.uniform(0, 1, m) < p_our_team
    upset = rng.uniform(0, 1, m) < UPSET_RATE
    return X, (y ^ upset).astype(np.uint8)


def make_football(seed):
    """Draw a training set and a test set from one seed.

    Arguments:
    seed -- integer seed of the generator

    Returns:
    data -- dict with X (211, 2), y (211, 1), Xval (200, 2), yval (200, 1)
    """
    rng = np.random.default_rng(seed)
    X, y = draw_headers(rng, M_TRAIN)
    Xval, yval = draw_headers(rng, M_TEST)
    return {"X": X.T, "y": y[:, None], "Xval": Xval.T, "yval": yval[:, None]}


def mat_bytes(data, seed):
    """The .mat file as bytes, with a fixed header (scipy writes the current time there)."""
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, data)
    content = buffer.getvalue()
    return HEADER.format(seed=seed).encode("ascii").ljust(116) + content[116:]


def accuracy_table(seeds):
    """Train the notebook's three models on each seed's data; return rows of accuracies."""
    notebook = load_definitions(REPO / "source" / "regularization" / "Regularization.ipynb")
    model, predict_dec = notebook["model"], notebook["predict_dec"]
    runs = ({}, {"lambd": 0.7}, {"keep_prob": 0.86})
    rows = []
    for seed in seeds:
        data = make_football(seed)
        train_X, train_Y = data["X"].T, data["y"].T
        test_X, test_Y = data["Xval"].T, data["yval"].T
        row = []
        for options in runs:
            parameters, _ = model(train_X, train_Y, print_cost=False, **options)
            row += [np.mean(predict_dec(parameters, train_X) == train_Y),
                    np.mean(predict_dec(parameters, test_X) == test_Y)]
        rows.append(row)
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    return np.array(rows)


def print_table(seeds, rows):
    """Print the accuracies as a Markdown table, with the mean and the most typical seed."""
    print("| seed | no reg. train | no reg. test | L2 train | L2 test | dropout train | dropout test |")
    print("|---|---|---|---|---|---|---|")
    for seed, row in zip(seeds, rows):
        print(f"| {seed} | " + " | ".join(f"{value:.3f}" for value in row) + " |")
    mean = rows.mean(axis=0)
    print("| mean | " + " | ".join(f"{value:.3f}" for value in mean) + " |")
    typical = seeds[int(np.argmin(np.abs(rows - mean).sum(axis=1)))]
    print(f"\nMost typical seed (smallest total distance to the mean row): {typical}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--table", action="store_true",
                        help="train the three models on seeds 0-9 and print their accuracies")
    args = parser.parse_args(argv)
    if args.table:
        seeds = list(range(10))
        print_table(seeds, accuracy_table(seeds))
        return
    args.output.write_bytes(mat_bytes(make_football(args.seed), args.seed))
    print(f"Wrote {args.output} (seed {args.seed})")


if __name__ == "__main__":
    main()
