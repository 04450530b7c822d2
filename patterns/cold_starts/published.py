"""Published cold-start observations, as one dated, sourced table, to show beside what this machine measured.

The figures were gathered in 2026-09 from the sources named in each row. They were observed on AWS
(or, for the boto3 rows, on a 2-core machine like the course's), not here: the notebook and demo label
them "published" and the measurements "measured on this machine".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

__all__ = ["AS_OF", "PUBLISHED", "PublishedFigure", "published_ranges_ms"]

AS_OF: Final = date(2026, 9, 1)

Unit = Literal["ms", "times", "fraction", "minutes"]


@dataclass(frozen=True)
class PublishedFigure:
    """One published observation: a range (``low``-``high`` in ``unit``) and where it comes from."""

    key: str
    observation: str
    low: float
    high: float
    unit: Unit
    source: str
    as_of: date = AS_OF
    note: str = ""


_SHILKOV = "M. Shilkov, Cold Starts in AWS Lambda, https://mikhail.io/serverless/coldstarts/aws/"
_AWS_INIT = "AWS Compute Blog, AWS Lambda standardizes billing for INIT Phase (2025)"

PUBLISHED: Final[tuple[PublishedFigure, ...]] = (
    PublishedFigure(
        "hello_world_typical",
        "hello-world Python/Node/Go function on AWS: cold start, most of the time under",
        0.0,
        500.0,
        "ms",
        _SHILKOV,
        note="the reference sheet's figure; the page's current text says 400 ms",
    ),
    PublishedFigure(
        "hello_world_almost_always",
        "hello-world Python/Node/Go function on AWS: cold start, almost always under",
        0.0,
        800.0,
        "ms",
        _SHILKOV,
        note="the reference sheet's figure; the page's current text says 700 ms",
    ),
    PublishedFigure(
        "large_dependencies",
        "large dependency trees make cold starts slower by",
        5.0,
        10.0,
        "times",
        _SHILKOV,
    ),
    PublishedFigure(
        "boto3_import",
        "importing boto3 on a 2-core machine",
        130.0,
        330.0,
        "ms",
        "measured by the course's authors on a 2-core machine (not on AWS)",
    ),
    PublishedFigure(
        "first_client",
        "creating the first boto3 client on a 2-core machine",
        50.0,
        140.0,
        "ms",
        "measured by the course's authors on a 2-core machine (not on AWS)",
    ),
    PublishedFigure(
        "cold_start_share",
        "share of production invocations that are cold starts, per AWS: under",
        0.0,
        0.01,
        "fraction",
        _AWS_INIT,
    ),
    PublishedFigure(
        "init_billing_cap",
        "INIT billed as duration since 2025-08-01 (on-demand ZIP, managed runtimes), capped at",
        0.0,
        10_000.0,
        "ms",
        _AWS_INIT,
    ),
    PublishedFigure(
        "idle_lifetime",
        "idle environment reclaimed after (observed; non-deterministic)",
        5.0,
        10.0,
        "minutes",
        _SHILKOV,
        note="observed 5-7 minutes, and 10 minutes and longer elsewhere; AWS documents no figure",
    ),
)


def published_ranges_ms() -> dict[str, tuple[float, float]]:
    """The published figures in milliseconds, by key, for plotting beside the measurements."""
    return {figure.key: (figure.low, figure.high) for figure in PUBLISHED if figure.unit == "ms"}
