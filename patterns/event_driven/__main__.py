"""``python -m patterns.event_driven``: run the pattern's demonstration against moto."""

from patterns.event_driven.demo import main

raise SystemExit(main())
