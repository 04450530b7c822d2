"""A module whose init code fails, as a missing configuration would."""

import os

TABLE = os.environ["A_VARIABLE_NOBODY_SET"]


def handler(event: object, context: object) -> None:
    return None
