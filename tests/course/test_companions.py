"""The companion notebooks of notebooks/: committed executed, with clean outputs, prose and figures.

(nbval, configured in pytest.ini, executes them and compares their outputs.)
"""

import re

import nbformat
import pytest
from conftest import REPO, assert_outputs_are_clean, printed

COMPANIONS = ("bias_and_variance", "l1_l2_elastic_net", "dropout_intuition")


@pytest.fixture(params=COMPANIONS)
def notebook(request):
    return nbformat.read(REPO / "notebooks" / f"{request.param}.ipynb", as_version=4)


def test_the_folder_holds_exactly_the_companions():
    assert sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb")) == sorted(COMPANIONS)


def test_every_cell_ran_without_errors_warnings_or_stderr(notebook):
    assert_outputs_are_clean(notebook)


def test_prose_formulas_figures_and_a_summary(notebook):
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert markdown.startswith("# ") and "$" in markdown and "What to remember" in markdown
    figures = sum("image/png" in output.get("data", {})
                  for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 3


# The prose's claims, checked on the committed outputs (test_any_cpu.py shows that every CPU prints them).

@pytest.fixture(scope="module")
def bias_and_variance():
    return nbformat.read(REPO / "notebooks" / "bias_and_variance.ipynb", as_version=4)


def percentages(line):
    return [float(number) / 100 for number in re.findall(r"([\d.]+)%", line)]


def test_the_four_diagnoses_are_those_the_text_reads(bias_and_variance):
    text = printed(bias_and_variance, "def diagnose(")
    bayes = percentages(re.search(r"Bayes error \(estimated on the dev set\): .*", text).group())[0]
    rows = {name.strip(): (*percentages(numbers)[:2], diagnosis) for name, numbers, diagnosis in
            re.findall(r"^(.+?\]) +(.*%) {3}(\w.*)$", text, re.MULTILINE)}
    assert {name: row[2] for name, row in rows.items()} == {
        "big network [2, 100, 1]": "high variance",
        "logistic regression [2, 1]": "high bias",
        "bottleneck network [2, 1, 100, 1]": "high bias and high variance",
        "small network [2, 5, 1]": "neither: a good fit",
    }
    big, small = rows["big network [2, 100, 1]"], rows["small network [2, 5, 1]"]
    # "its dev error is nearly twice the small network's"; a train error below the Bayes error.
    assert 1.6 <= big[1] / small[1] <= 2 and big[0] < bayes
    # "a model can end up with a train error slightly above its dev error"
    assert 0 < small[0] - small[1] < 0.05


def test_the_three_remedies_do_what_the_text_says(bias_and_variance):
    text = printed(bias_and_variance, "def sweep(")
    bayes = percentages(printed(bias_and_variance, "def ideal_predict(").splitlines()[1])[0]
    tables = re.findall(r"^(\S.*?) {2,}([\d. ]+)\n  train error +([\d.% ]+)\n  dev error +([\d.% ]+)$", text,
                        re.MULTILINE)
    (units, *sizes), (examples, *data), (lambds, *regularised) = (
        ([float(x) for x in settings.split()], percentages(train), percentages(dev))
        for _, settings, train, dev in tables)
    # Left: 1 or 2 units underfit; from 3 units the train error is near the Bayes error, at 5 to 10 the dev
    # error too; larger networks fit the noise (train error near 0) and their dev error climbs again.
    train, dev = sizes
    at = {n: i for i, n in enumerate(units)}
    assert all(train[at[n]] - bayes > 0.05 for n in (1, 2))
    assert all(abs(train[at[n]] - bayes) < 0.05 for n in (3, 5, 10))
    assert all(dev[at[n]] - bayes < 0.05 for n in (5, 10))
    assert all(train[at[n]] < 0.05 and dev[at[n]] > dev[at[10]] + 0.05 for n in (20, 50, 100))
    # Middle: more data, the train error rises to the Bayes error and the dev error comes down towards it.
    train, dev = data
    assert train == sorted(train) and dev == sorted(dev, reverse=True)
    assert abs(train[-1] - bayes) < 0.02 and dev[-1] - bayes < 0.02
    # Right: a little L2 brings the dev error almost to the Bayes error; too much underfits.
    train, dev = regularised
    assert min(dev) - bayes < 0.03 and dev.index(min(dev)) not in (0, len(dev) - 1)
    assert train[-1] - bayes > 0.2 and dev[-1] - bayes > 0.2
