"""The executed notebooks hold on any CPU: nbval passes when numpy rounds its last bits differently.

CI runs on one machine, so other machines are simulated: tests/course/cpu_perturbation.py, installed
at kernel start through an IPython startup file in a temporary IPYTHONDIR, moves initial
parameters and data by a few ulps, or the results of exp, log, ..., or changes the order in
which dot products and sums add up. Under each perturbation, nbval re-executes every notebook
of source/*/ and notebooks/ and compares its printed outputs with the committed ones, after
tests/nbval_sanitize.cfg, exactly as `make test` does. A chaotic experiment (one whose printed
results depend on the last bits of the arithmetic) fails here. The claims that the notebooks'
prose makes about these outputs are asserted on the committed outputs by test_tuning.py and
test_companions.py, so they hold under the perturbations too.

The three runs go in parallel, one process each (about 45 s of CPU each).
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import REPO

HOOK = REPO / "tests" / "course" / "cpu_perturbation.py"
NOTEBOOKS = sorted(REPO.glob("source/*/*.ipynb")) + sorted(REPO.glob("notebooks/*.ipynb"))
PERTURBATIONS = ("inputs:1", "libm:2", "summation:3")

# Run by IPython in every kernel it starts: installs the perturbation, then records that it did.
STARTUP = """\
def _install_cpu_perturbation():
    import importlib.util, os
    spec = importlib.util.spec_from_file_location("cpu_perturbation", os.environ["CPU_PERTURBATION_HOOK"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.install(os.environ["CPU_PERTURBATION"])
    with open(os.environ["CPU_PERTURBATION_LOG"], "a") as log:
        log.write(os.getcwd() + "\\n")
_install_cpu_perturbation()
del _install_cpu_perturbation
"""


def run_nbval(perturbation, folder):
    """Run nbval on every notebook with the perturbation installed in each kernel.

    Returns the finished process and the folders of the kernels that installed it.
    """
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-cpu-perturbation.py").write_text(STARTUP)
    log = folder / "kernels.log"
    environment = dict(os.environ, IPYTHONDIR=str(folder / "ipython"), CPU_PERTURBATION=perturbation,
                       CPU_PERTURBATION_HOOK=str(HOOK), CPU_PERTURBATION_LOG=str(log))
    process = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              *[str(path.relative_to(REPO)) for path in NOTEBOOKS]],
                             cwd=REPO, env=environment, capture_output=True, text=True, timeout=900)
    kernels = log.read_text().split() if log.exists() else []
    return process, kernels


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{perturbation: (process, kernel folders)}, the runs made in parallel."""
    folders = {perturbation: tmp_path_factory.mktemp(perturbation.replace(":", "-")) for perturbation in PERTURBATIONS}
    with ThreadPoolExecutor(max_workers=len(PERTURBATIONS)) as pool:
        futures = {perturbation: pool.submit(run_nbval, perturbation, folder)
                   for perturbation, folder in folders.items()}
        return {perturbation: future.result() for perturbation, future in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("perturbation", PERTURBATIONS)
def test_every_notebook_passes_nbval_on_another_cpu(runs, perturbation):
    process, kernels = runs[perturbation]
    # Each notebook's kernel ran with the perturbation installed (else this test would prove nothing).
    assert sorted(kernels) == sorted(str(path.parent) for path in NOTEBOOKS), process.stdout[-3000:]
    assert process.returncode == 0, f"nbval under the perturbation {perturbation}:\n{process.stdout[-6000:]}"
    assert " passed" in process.stdout and "failed" not in process.stdout


# What the hook does, on small cases: each kind changes some last bits, and nothing more.

PROBE = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
x = np.linspace(-3.0, 3.0, 1001)
A = np.sin(np.arange(3000.0).reshape(30, 100)) * 1e3
before = [np.random.default_rng(0).random(1000), np.random.RandomState(1).randn(1000), np.exp(x), np.log(5 + x),
          np.dot(A, A.T), np.sum(A, axis=1), np.mean(A)]
import cpu_perturbation
cpu_perturbation.install(sys.argv[2])
after = [np.random.default_rng(0).random(1000), np.random.RandomState(1).randn(1000), np.exp(x), np.log(5 + x),
         np.dot(A, A.T), np.sum(A, axis=1), np.mean(A)]
for b, a in zip(before, after):
    b, a = np.asarray(b), np.asarray(a)
    ulps = np.abs(b.view(np.int64) - a.view(np.int64))  # same sign and dtype: the distance in ulps
    print(int(np.sum(ulps > 0)), int(ulps.max()), float(np.max(np.abs(a - b)) / np.max(np.abs(b))))
"""


def probe(perturbation):
    """For each probed computation: (how many values changed, the largest change in ulps, and relative)."""
    output = subprocess.run([sys.executable, "-c", PROBE, str(HOOK.parent), perturbation],
                            capture_output=True, text=True, check=True).stdout
    return [(int(changed), int(ulps), float(relative)) for changed, ulps, relative in
            (line.split() for line in output.splitlines())]


@pytest.mark.parametrize("perturbation, changes", [
    ("inputs:1", {0: 2, 1: 2}),           # the draws of both kinds of generator, by up to 2 ulps
    ("libm:2", {2: 1, 3: 1}),             # exp and log, by 1 ulp
    ("summation:3", {4: None, 5: None, 6: None}),  # dot, sum and mean: another order of the additions
])
def test_each_perturbation_moves_last_bits_only_where_it_should(perturbation, changes):
    for index, (changed, ulps, relative) in enumerate(probe(perturbation)):
        if index in changes:
            assert changed > 0, (perturbation, index)
            assert relative < 1e-13, (perturbation, index, relative)
            if changes[index] is not None:
                assert ulps <= changes[index], (perturbation, index, ulps)
        else:
            assert changed == 0, (perturbation, index)
