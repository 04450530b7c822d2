"""Graded exercises and the course's autograder (``python -m exercises --help``)."""

from exercises.grader.cli import check

__all__ = ["check"]
