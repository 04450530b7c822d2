"""The two handlers the tuning runs: one CPU-bound, one I/O-bound. Each returns what it measured.

``hash_report`` hashes (CPU only); ``read_catalogue`` reads items from DynamoDB (mostly waiting) and
summarises them (a little CPU). Both return ``cpu_ms`` (this thread's CPU time) and ``io_ms`` (wall time
inside DynamoDB calls), which the tuning turns into a modelled duration at each memory size.
"""

from __future__ import annotations

from typing import Any

from patterns.cost.adapters import CatalogueReader, reader_from_environment
from patterns.cost.service import cpu_work, measured, summarise

__all__ = ["hash_report", "read_catalogue"]

_reader: CatalogueReader | None = None


def hash_report(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CPU-bound: ``event["rounds"]`` chained SHA-256 hashes."""
    digest, cpu_ms = measured(lambda: cpu_work(int(event.get("rounds", 200))))
    return {"digest": digest, "cpu_ms": cpu_ms, "io_ms": 0.0}


def read_catalogue(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """I/O-bound: read ``event["keys"]`` from the catalogue table, then summarise them."""
    global _reader
    if _reader is None:
        _reader = reader_from_environment()
    items, io_ms = _reader.read([str(key) for key in event.get("keys", [])])
    summary, cpu_ms = measured(lambda: summarise(items))
    return {**summary, "cpu_ms": cpu_ms, "io_ms": io_ms}
