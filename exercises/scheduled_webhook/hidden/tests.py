"""Hidden tests of the scheduled-webhook exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

NOW = 1_800_000_000
BODY = '{"id":"evt_1"}'

TESTS = [
    Test(
        "a non-ASCII key and body are signed as their UTF-8 bytes",
        1,
        "signature",
        {"secret": "clé", "timestamp": 1_800_000_000, "body": "naïve.café"},
        checks.signed("v1=c5e123865ea2f3f7e9c344e569f13d262ad48e594760c20a0312601fc4687b71"),
    ),
    Test(
        "a ten-digit timestamp and a body full of dots",
        1,
        "signature",
        {"secret": "whsec_live_2", "timestamp": 9_999_999_999, "body": '{"a":"b.c.d"}'},
        checks.signed("v1=d79879ec28253f1debd8498afc25fb18f4a666306ae2b089d0bdcc39b8d7ff18"),
    ),
    Test(
        "no signature is 401; no timestamp, a timestamp that is not a number, or no id is 400",
        2,
        "requests",
        {
            "specs": [
                {"now": NOW, "omit": ["Webhook-Signature"]},
                {"now": NOW, "omit": ["Webhook-Timestamp"]},
                {"now": NOW, "set": {"Webhook-Timestamp": "soon"}},
                {"now": NOW, "omit": ["Webhook-Id"]},
            ],
            "seen": [],
        },
        checks.statuses([401, 400, 400, 400], []),
    ),
    Test(
        "the tolerance: 301 s old or ahead is 400, exactly 300 s old is accepted",
        2,
        "requests",
        {
            "specs": [
                {"now": NOW, "timestamp": NOW - 301},
                {"now": NOW, "timestamp": NOW + 301},
                {"now": NOW, "timestamp": NOW - 300, "id": "evt_edge"},
            ],
            "seen": [],
        },
        checks.statuses([400, 400, 202], ["evt_edge"]),
    ),
    Test(
        "a tampered body is 401; a stale request with a wrong key is 400 (the timestamp is checked first)",
        2,
        "requests",
        {
            "specs": [
                {"now": NOW, "tamper": '{"id":"evt_1","amount":1}'},
                {"now": NOW, "timestamp": NOW - 900, "key": "wrong"},
            ],
            "seen": [],
        },
        checks.statuses([401, 400], []),
    ),
    Test(
        "65,536 bytes are accepted, 65,537 refused with 400 even when unsigned",
        2,
        "requests",
        {
            "specs": [
                {"now": NOW, "pad": 65_536 - len(BODY), "id": "evt_big"},
                {"now": NOW, "pad": 65_537 - len(BODY), "id": "evt_bigger"},
                {"now": NOW, "pad": 65_537 - len(BODY), "id": "evt_biggest", "omit": ["Webhook-Signature"]},
            ],
            "seen": [],
        },
        checks.statuses([202, 400, 400], ["evt_big"]),
    ),
    Test(
        "header names in lower case (as an HTTP API passes them) are found",
        2,
        "requests",
        {"specs": [{"now": NOW, "lower": True}], "seen": []},
        checks.statuses([202], ["evt_1"]),
    ),
    Test(
        "an id seen before is a replay; refused requests add nothing",
        2,
        "requests",
        {
            "specs": [{"now": NOW, "id": "evt_9"}, {"now": NOW, "id": "evt_2", "key": "wrong"}],
            "seen": ["evt_9"],
        },
        checks.statuses([400, 401], ["evt_9"]),
    ),
    Test(
        "the signature is compared with hmac.compare_digest",
        2,
        "constant_time",
        {"now": NOW},
        checks.constant_time(),
    ),
]
