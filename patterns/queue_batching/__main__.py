"""``python -m patterns.queue_batching``: run the pattern's demonstration against moto."""

from patterns.queue_batching.demo import main

raise SystemExit(main())
