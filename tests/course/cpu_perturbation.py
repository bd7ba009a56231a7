"""Make numpy compute like another CPU: the kernel-start hook of test_any_cpu.py.

Two x86-64 machines with the same wheels do not compute the same bits: numpy picks
vectorised loops (exp, log, ...) by CPU features, and BLAS picks kernels that sum in
another order. Each result differs by an ulp or so, and a long training can amplify that
into another solution. ``install(spec)`` reproduces such differences on this machine, with
``spec`` = ``"<kind>:<seed>"``:

- ``inputs``: every float that numpy's random generators draw (initial parameters,
  generated data, dropout's uniforms) and every float array ``scipy.io.loadmat`` reads
  (the football dataset) is moved by -2 to +2 ulps;
- ``libm``: the results of the transcendental functions (exp, log, sqrt, ...) are moved by
  -1, 0 or +1 ulp, as another vectorised implementation rounds them;
- ``summation``: ``np.dot``, ``np.matmul``, ``np.sum``, ``np.nansum`` and ``np.mean`` add in
  another order (a dot product in two partial sums, a reduction over the reversed axis).

The number of ulps is a hash of the value's bits and the seed: like a real implementation,
the same input always gives the same output, and every seed is another "machine". Exact
zeros, infinities and NaNs are left alone. Nothing is printed.
"""

import functools

import numpy as np

KINDS = ("inputs", "libm", "summation")

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _hash(values, seed):
    """A pseudo-random uint64 per element, from its bits and the seed."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    h = (bits ^ np.uint64((seed * 0x632BE59BD9B4E5 + 1) % 2 ** 64)) * _GOLDEN
    h ^= h >> np.uint64(29)
    return h * _GOLDEN


def nudge(values, seed, max_ulps):
    """values moved by a pseudo-random whole number of ulps in [-max_ulps, max_ulps].

    Arguments:
    values -- a float64 array or a float (other dtypes are returned unchanged)
    seed -- an int: which "machine"
    max_ulps -- the largest move, in units in the last place

    Returns:
    nudged -- of the type and shape of values
    """
    array = np.asarray(values)
    if array.dtype != np.float64 or array.size == 0:
        return values
    flat = np.array(array, dtype=np.float64).reshape(-1)
    ulps = (_hash(flat, seed) >> np.uint64(40)) % np.uint64(2 * max_ulps + 1)
    ulps = ulps.astype(np.int64) - max_ulps
    movable = np.isfinite(flat) & (flat != 0)
    for step in range(1, max_ulps + 1):
        flat = np.where(movable & (ulps >= step), np.nextafter(flat, np.inf), flat)
        flat = np.where(movable & (ulps <= -step), np.nextafter(flat, -np.inf), flat)
    if isinstance(values, np.ndarray):
        return flat.reshape(array.shape)
    return type(values)(flat[0])  # a float or a numpy float64


# The methods of numpy's generators that draw floats.
DRAWS = ("random", "random_sample", "rand", "randn", "standard_normal", "normal", "uniform",
         "standard_exponential", "exponential")


def _drawing_nudged(generator_class, seed):
    """A subclass of generator_class whose float draws come out nudged by up to 2 ulps."""
    depth = [0]  # a draw may call another (randn calls standard_normal): nudge the outermost only

    def nudged(name):
        original = getattr(generator_class, name)

        @functools.wraps(original)
        def draw(self, *args, **kwargs):
            depth[0] += 1
            try:
                values = original(self, *args, **kwargs)
            finally:
                depth[0] -= 1
            return values if depth[0] else nudge(values, seed, 2)
        return draw
    methods = {name: nudged(name) for name in DRAWS if hasattr(generator_class, name)}
    return type(generator_class.__name__, (generator_class,), methods)


class _Ufunc:
    """A ufunc whose results are nudged; its attributes (nin, reduce, ...) are the original's."""

    def __init__(self, ufunc, seed):
        self._ufunc, self._seed = ufunc, seed
        functools.update_wrapper(self, ufunc, assigned=("__name__", "__doc__"))

    def __call__(self, *args, **kwargs):
        result = self._ufunc(*args, **kwargs)
        if "out" in kwargs or not isinstance(result, (np.ndarray, float)):
            return result
        return nudge(result, self._seed, 1)

    def __getattr__(self, name):
        return getattr(self._ufunc, name)


def _install_inputs(seed):
    import scipy.io

    random = np.random
    for name in DRAWS:
        if hasattr(random, name):  # the legacy functions: methods of numpy's global RandomState
            original = getattr(random, name)
            setattr(random, name, functools.wraps(original)(
                lambda *args, _original=original, **kwargs: nudge(_original(*args, **kwargs), seed, 2)))
    random.RandomState = _drawing_nudged(random.RandomState, seed)
    Generator = _drawing_nudged(random.Generator, seed)
    default_rng = random.default_rng

    @functools.wraps(default_rng)
    def nudged_default_rng(seed_=None):
        if isinstance(seed_, random.Generator):
            return seed_
        return Generator(default_rng(seed_).bit_generator)
    random.default_rng = nudged_default_rng

    loadmat = scipy.io.loadmat

    @functools.wraps(loadmat)
    def nudged_loadmat(*args, **kwargs):
        data = loadmat(*args, **kwargs)
        # Only measurements: arrays of whole numbers (the labels) are read exactly on every machine.
        return {key: nudge(value, seed, 2) if isinstance(value, np.ndarray) and value.dtype == np.float64
                and not np.array_equal(value, np.round(value)) else value for key, value in data.items()}
    scipy.io.loadmat = nudged_loadmat


def _install_libm(seed):
    for name in ("exp", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "sqrt", "tanh", "power",
                 "sin", "cos"):
        setattr(np, name, _Ufunc(getattr(np, name), seed))


def _reversed_reduction(function):
    @functools.wraps(function)
    def reduce(a, axis=None, *args, **kwargs):
        array = np.asanyarray(a)
        if array.dtype == np.float64 and array.ndim > 0:
            a = np.flip(array, axis=axis)
        return function(a, axis, *args, **kwargs)
    return reduce


def _split_product(function, seed):
    @functools.wraps(function)
    def product(a, b, *args, **kwargs):
        a_, b_ = np.asarray(a), np.asarray(b)
        if (args or kwargs or a_.dtype != np.float64 or b_.dtype != np.float64
                or a_.ndim not in (1, 2) or b_.ndim not in (1, 2) or a_.shape[-1] < 2):
            return function(a, b, *args, **kwargs)
        inner = a_.shape[-1]
        cut = 1 + seed % (inner - 1)  # 1 .. inner - 1: two partial sums, added last
        return function(a_[..., :cut], b_[:cut]) + function(a_[..., cut:], b_[cut:])
    return product


def _install_summation(seed):
    np.dot = _split_product(np.dot, seed)
    np.matmul = _split_product(np.matmul, seed)
    for name in ("sum", "nansum", "mean"):
        setattr(np, name, _reversed_reduction(getattr(np, name)))


def install(spec):
    """Install the perturbation spec = "<kind>:<seed>" (kind one of KINDS) in this process."""
    kind, _, seed = spec.partition(":")
    if kind not in KINDS or not seed.isdigit():
        raise ValueError(f"perturbation {spec!r}: expected <kind>:<seed> with kind one of {KINDS}")
    {"inputs": _install_inputs, "libm": _install_libm, "summation": _install_summation}[kind](int(seed))
