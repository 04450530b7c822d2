"""Public tests of the adr exercise: run them with ``python -m exercises check adr``."""

from exercises.grader.model import Test

from . import checks  # the grader loads this folder as a package

READ = {"file": "decision.md"}

TESTS = [
    Test("the title is '# <number>. <imperative title>'", 1, "read", READ, checks.has_title),
    Test("there is a Status line", 1, "read", READ, checks.has_status),
    Test("there is a Date line", 1, "read", READ, checks.has_date),
    Test("a Context section in your own words", 1, "read", READ, checks.has_context),
    Test("a Considered options section with at least two options", 1, "read", READ, checks.has_options),
    Test("a Decision section in your own words", 1, "read", READ, checks.has_decision),
    Test("a Consequences section in your own words", 1, "read", READ, checks.has_consequences),
    Test(
        "the status is proposed, accepted, rejected, deprecated or superseded",
        2,
        "read",
        READ,
        checks.status_is_valid,
    ),
    Test("the date is a real ISO date, YYYY-MM-DD", 2, "read", READ, checks.date_is_iso),
    Test(
        "the context states the 900 s timeout or the 2 million records",
        2,
        "read",
        READ,
        checks.context_states_the_forces,
    ),
]
