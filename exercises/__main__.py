"""``python -m exercises``: check, grade, release, gradescope, verify."""

from exercises.grader.cli import main

raise SystemExit(main())
