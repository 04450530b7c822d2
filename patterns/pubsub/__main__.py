"""``python -m patterns.pubsub``: run the pattern's demonstration against moto."""

from patterns.pubsub.demo import main

raise SystemExit(main())
