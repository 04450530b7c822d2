"""``python -m patterns.scheduled_webhook`` runs the demonstration."""

from __future__ import annotations

import sys

from patterns.scheduled_webhook import demo

if __name__ == "__main__":
    sys.exit(demo.main())
