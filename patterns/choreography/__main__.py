"""``python -m patterns.choreography``: run the pattern's demonstration."""

from patterns.choreography.demo import main

raise SystemExit(main())
