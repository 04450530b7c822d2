"""``python -m patterns.retries``: run the pattern's demonstration against moto."""

from patterns.retries.demo import main

raise SystemExit(main())
