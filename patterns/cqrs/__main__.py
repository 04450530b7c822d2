"""``python -m patterns.cqrs`` runs the demonstration."""

from __future__ import annotations

import sys

from patterns.cqrs import demo

if __name__ == "__main__":
    sys.exit(demo.main())
