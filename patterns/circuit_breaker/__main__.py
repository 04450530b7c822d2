"""``python -m patterns.circuit_breaker`` runs the demonstration."""

import sys

from patterns.circuit_breaker.demo import main

if __name__ == "__main__":
    sys.exit(main())
