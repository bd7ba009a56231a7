"""The project's own football dataset: format, reproducibility, and not the reference."""

import hashlib

import numpy as np
import pytest
import scipy.io
from conftest import REFERENCE_DATA, REPO

from tools import make_dataset as generator

DATA = REPO / "datasets" / "data.mat"
REFERENCE_SHA256 = "1218828095bf91d215622d00b2a5b8784c359e29d9d9c5734949b8e60c5bc231"


def test_committed_file_is_what_the_generator_writes():
    data = generator.make_football(generator.SEED)
    assert generator.mat_bytes(data, generator.SEED) == DATA.read_bytes()
    assert generator.mat_bytes(generator.make_football(0), 0) != DATA.read_bytes()


def test_format_matches_the_classic_layout():
    data = scipy.io.loadmat(DATA)
    shapes = {key: data[key].shape for key in ("X", "y", "Xval", "yval")}
    assert shapes == {"X": (211, 2), "y": (211, 1), "Xval": (200, 2), "yval": (200, 1)}
    assert data["X"].dtype == data["Xval"].dtype == np.float64
    assert data["y"].dtype == data["yval"].dtype == np.uint8
    for labels in (data["y"], data["yval"]):
        assert 0.3 < labels.mean() < 0.7, "both teams must win a fair share of headers"
    assert np.abs(data["X"]).max() < 1


def test_the_project_does_not_ship_the_reference_data():
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() != REFERENCE_SHA256
    shipped = sorted(p.name for p in (REPO / "datasets").iterdir() if p.suffix == ".mat")
    assert shipped == ["data.mat"]


@pytest.mark.skipif(not REFERENCE_DATA.exists(), reason="../shared/reference/data.mat is absent")
def test_no_point_of_the_reference_data_is_reused():
    ours, reference = scipy.io.loadmat(DATA), scipy.io.loadmat(REFERENCE_DATA)
    ours_points = {tuple(np.round(row, 4)) for key in ("X", "Xval") for row in ours[key]}
    reference_points = {tuple(np.round(row, 4)) for key in ("X", "Xval") for row in reference[key]}
    assert not ours_points & reference_points
