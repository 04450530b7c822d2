"""``python -m patterns.saga``: run the pattern's demonstration against moto."""

from patterns.saga.demo import main

raise SystemExit(main())
