"""``python -m patterns.observability``: run the pattern's demonstration against moto."""

from patterns.observability.demo import main

raise SystemExit(main())
