"""The course's autograder: exercise format, sandboxed runner, reports and command line."""

from exercises.grader.engine import Isolation, choose_isolation, grade_submission
from exercises.grader.model import Exercise, ExerciseError, Grade, Outcome, Test, TestResult, load_exercise

__all__ = [
    "Exercise",
    "ExerciseError",
    "Grade",
    "Isolation",
    "Outcome",
    "Test",
    "TestResult",
    "choose_isolation",
    "grade_submission",
    "load_exercise",
]
