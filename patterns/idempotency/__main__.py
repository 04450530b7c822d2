"""``python -m patterns.idempotency`` runs the demonstration."""

import sys

from patterns.idempotency.demo import main

if __name__ == "__main__":
    sys.exit(main())
