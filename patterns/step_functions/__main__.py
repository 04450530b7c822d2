"""``python -m patterns.step_functions``: run the pattern's demonstration against moto."""

from patterns.step_functions.demo import main

raise SystemExit(main())
