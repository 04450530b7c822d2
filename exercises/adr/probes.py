"""Probes of the adr exercise: they run in the sandboxed child and return the learner's document as
plain JSON data; reading its markdown and judging it happen in the grader (``checks.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["MAX_BYTES", "read"]

MAX_BYTES = 100_000


def read(file: str) -> dict[str, Any]:
    """The text of ``file`` in the submission (UTF-8, at most ``MAX_BYTES``) and its size in bytes."""
    data = Path(file).read_bytes()
    text = data[:MAX_BYTES].decode("utf-8-sig", errors="replace")
    return {"file": file, "size": len(data), "text": text, "truncated": len(data) > MAX_BYTES}
