"""Arrival traces for the cold-start simulator: generators and the CSV reader."""

from __future__ import annotations

import math

import numpy as np
import pytest

from patterns.cold_starts.traffic import (
    SAMPLE_TRACE,
    TraceError,
    bursty,
    diurnal,
    from_csv,
    periodic,
    poisson,
    sparse,
    to_csv,
)
from patterns.lab.exceptions import LabError

pytestmark = pytest.mark.unit


def _is_trace(times: np.ndarray, duration: float) -> bool:
    return (
        times.dtype == np.float64
        and bool((np.diff(times) >= 0).all())
        and (times.size == 0 or (times[0] >= 0 and times[-1] < duration))
    )


def test_poisson_has_the_expected_count_and_is_reproducible():
    times = poisson(2.0, 10_000.0, seed=1)
    assert _is_trace(times, 10_000.0)
    assert abs(times.size - 20_000) < 5 * math.sqrt(20_000)
    assert np.array_equal(times, poisson(2.0, 10_000.0, seed=1))
    assert not np.array_equal(times, poisson(2.0, 10_000.0, seed=2))
    gaps = np.diff(times)
    assert gaps.std() / gaps.mean() == pytest.approx(1.0, abs=0.05)  # exponential gaps


def test_poisson_with_zero_rate_or_duration_is_empty():
    assert poisson(0.0, 100.0).size == 0
    assert poisson(1.0, 0.0).size == 0


def test_periodic_is_exact_without_jitter():
    assert periodic(600.0, 2000.0, start_s=100.0).tolist() == [100.0, 700.0, 1300.0, 1900.0]
    jittered = periodic(600.0, 6000.0, jitter_s=30.0, seed=2)
    assert _is_trace(jittered, 6000.0)
    assert np.abs(jittered - np.arange(0.0, 6000.0, 600.0)[-jittered.size :]).max() <= 30.0


def test_bursty_puts_the_bursts_half_a_period_in():
    times = bursty(3600.0, base_rate=0.0, burst_rate=10.0, period_s=600.0, burst_s=10.0, seed=1)
    assert _is_trace(times, 3600.0)
    offsets = times % 600.0
    assert ((offsets >= 300.0) & (offsets < 310.0)).all()
    assert abs(times.size - 600) < 5 * math.sqrt(600)


def test_bursty_rejects_a_burst_longer_than_its_period():
    with pytest.raises(
        TraceError, match="burst_s must not exceed period_s, got burst_s=700 and period_s=600"
    ):
        bursty(3600.0, period_s=600, burst_s=700)


def test_diurnal_is_busier_at_the_peak_hour_than_twelve_hours_later():
    times = diurnal(1.0, peak_to_trough=4.0, peak_hour=14.0, seed=3)
    assert _is_trace(times, 86_400.0)
    assert abs(times.size - 86_400) < 5 * math.sqrt(86_400)
    hours = np.bincount((times // 3600).astype(int), minlength=24)
    assert hours[14] / hours[2] == pytest.approx(4.0, rel=0.15)


def test_sparse_gaps_are_minutes_to_hours():
    times = sparse(30 * 86_400.0, median_gap_s=900.0, seed=4)
    gaps = np.diff(times)
    assert np.median(gaps) == pytest.approx(900.0, rel=0.15)
    assert gaps.max() > 3600.0
    assert gaps.min() < 300.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson(-1.0, 10.0), "rate must be a finite number >= 0, got -1.0"),
        (lambda: sparse(10.0, median_gap_s=0.0), "median_gap_s must be a finite number > 0, got 0.0"),
        (lambda: diurnal(1.0, peak_to_trough=0.5), "peak_to_trough must be a finite number >= 1, got 0.5"),
        (lambda: periodic(float("nan"), 10.0), "period_s must be a finite number > 0, got nan"),
    ],
)
def test_bad_generator_parameters_are_rejected(call, message):
    with pytest.raises(TraceError, match=message) as caught:
        call()
    assert isinstance(caught.value, LabError)


def test_the_sample_trace_loads(tmp_path):
    times = from_csv(SAMPLE_TRACE)
    assert times.size > 500
    assert _is_trace(times, 7200.0)
    assert SAMPLE_TRACE.stat().st_size < 50_000
    copy = tmp_path / "copy.csv"
    to_csv(times, copy)
    assert np.array_equal(from_csv(copy), times)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty; expected a header line 'arrival_s'"),
        ("time\n1.0\n", "line 1: header is 'time'; expected 'arrival_s'"),
        ("arrival_s\n", "has a header but no arrival times"),
        ("arrival_s\n1.0\nsoon\n", "line 3: 'soon' is not a number of seconds"),
        ("arrival_s\n1.0\n-2\n", "line 3: arrival -2 must be a finite number of seconds >= 0"),
        ("arrival_s\n1.0\n5.0\n4.5\n", r"line 4: arrival 4.5 s comes before the previous one \(5.0 s\)"),
    ],
)
def test_a_bad_csv_names_the_file_and_line(tmp_path, content, message):
    trace = tmp_path / "trace.csv"
    trace.write_text(content)
    with pytest.raises(TraceError, match=message) as caught:
        from_csv(trace)
    assert str(trace) in str(caught.value)


def test_a_missing_csv_is_reported(tmp_path):
    with pytest.raises(TraceError, match="does not exist"):
        from_csv(tmp_path / "nowhere.csv")


def test_extra_columns_and_blank_lines_are_ignored(tmp_path):
    trace = tmp_path / "trace.csv"
    trace.write_text("arrival_s,function\n0.5,checkout\n\n2.0,checkout\n")
    assert from_csv(trace).tolist() == [0.5, 2.0]
