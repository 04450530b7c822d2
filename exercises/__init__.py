"""Graded exercises and the course's autograder (``python -m exercises --help``)."""

from exercises.grader.cli import check
from exercises.grader.progress import progress

__all__ = ["check", "progress"]
