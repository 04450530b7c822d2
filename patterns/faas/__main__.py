"""``python -m patterns.faas``: run the pattern's demonstration against moto."""

from patterns.faas.demo import main

raise SystemExit(main())
