"""``python -m patterns.deploy_test`` runs the demonstration (``--record-pyramid``: record the pyramid)."""

import sys

from patterns.deploy_test.demo import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
