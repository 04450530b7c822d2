"""``python -m patterns.state`` runs the demonstration."""

import sys

from patterns.state.demo import main

if __name__ == "__main__":
    sys.exit(main())
