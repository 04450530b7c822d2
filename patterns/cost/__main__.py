"""``python -m patterns.cost`` runs the demonstration."""

from __future__ import annotations

import sys

from patterns.cost.demo import main

if __name__ == "__main__":
    sys.exit(main())
