"""``python -m patterns.fan_out``: run the pattern's demonstration against moto."""

from patterns.fan_out.demo import main

raise SystemExit(main())
