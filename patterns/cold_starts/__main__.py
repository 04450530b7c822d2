"""``python -m patterns.cold_starts``: measure real cold starts and simulate keep-alive policies."""

from patterns.cold_starts.demo import main

raise SystemExit(main())
