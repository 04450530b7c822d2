"""``python -m patterns.secrets_config`` runs the demonstration."""

import sys

from patterns.secrets_config.demo import main

if __name__ == "__main__":
    sys.exit(main())
