"""``python -m patterns.streams``: run the pattern's demonstration against moto."""

from patterns.streams.demo import main

raise SystemExit(main())
