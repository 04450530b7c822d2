"""``python -m patterns.anti_patterns``: run the pattern's demonstration against moto."""

from patterns.anti_patterns.demo import main

raise SystemExit(main())
