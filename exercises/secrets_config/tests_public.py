"""Public tests of the secrets-config exercise: run them with ``python -m exercises check secrets-config``."""

from exercises.grader.model import Test

from . import checks


def get(at: float, store: str, name: str = "db") -> dict[str, object]:
    return {"at": at, "op": "get", "store": store, "name": name}


def refresh(at: float, store: str, name: str = "db") -> dict[str, object]:
    return {"at": at, "op": "refresh", "store": store, "name": name}


TESTS = [
    Test(
        "the first get fetches, the next ones within max_age do not",
        1,
        "cache",
        {"max_age_s": 300.0, "steps": [get(0.0, "v1"), get(10.0, "v2"), get(299.0, "v3")]},
        checks.cache(["db:v1", "db:v1", "db:v1"], [[0.0, "db"]]),
    ),
    Test(
        "once max_age has passed, get fetches the new value",
        1,
        "cache",
        {"max_age_s": 60.0, "steps": [get(0.0, "v1"), get(61.0, "v2"), get(62.0, "v3")]},
        checks.cache(["db:v1", "db:v2", "db:v2"], [[0.0, "db"], [61.0, "db"]]),
    ),
    Test(
        "accepted at once: no refresh",
        2,
        "refresh",
        {"cached": "current", "fresh": "current"},
        checks.refresh({"result": "rows with current", "refreshed": False}, [False], ["current"]),
    ),
    Test(
        "refused with a rotated-away secret: read again, retry once, accepted",
        2,
        "refresh",
        {"cached": "old", "fresh": "current"},
        checks.refresh({"result": "rows with current", "refreshed": True}, [False, True], ["old", "current"]),
    ),
]
