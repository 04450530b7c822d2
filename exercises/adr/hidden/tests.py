"""Hidden tests of the adr exercise: the rest of the published rubric (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks  # the grader loads the exercise folder as a package

READ = {"file": "decision.md"}

TESTS = [
    Test(
        "every option states at least one downside",
        2,
        "read",
        READ,
        checks.every_option_has_a_downside,
        points=2.0,
    ),
    Test(
        "the decision names one of the considered options",
        2,
        "read",
        READ,
        checks.decision_names_an_option,
        points=2.0,
    ),
    Test("the consequences name at least one downside", 2, "read", READ, checks.consequences_name_a_downside),
    Test("the consequences give a number with a unit", 2, "read", READ, checks.consequences_are_quantified),
    Test("a unit price from the course's price table is quoted", 2, "read", READ, checks.quotes_a_unit_price),
    Test("at least one calculation is shown", 2, "read", READ, checks.shows_a_calculation),
    Test("no placeholder text of the template is left", 2, "read", READ, checks.no_template_text),
]
