"""The fan-out exercise grades honestly: a fan-in that answers 1 and 0 for True and False scores
nothing, one call at a time or at the same moment."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_fan_out_imitations_score_nothing(tmp_path):
    result = imitating(
        "fan_out",
        "fan_in.py",
        """
        _record, _finish = record_chunk_done, finish_job

        # create_job is left as it is: it is given, returns None, and no probe calls it (the probes
        # create the job's item themselves).


        def record_chunk_done(dynamodb, table_name, job_id, chunk_index):
            return int(_record(dynamodb, table_name, job_id, chunk_index))  # 1 and 0: not bools


        def finish_job(dynamodb, table_name, job_id, amount_cents):
            return int(_finish(dynamodb, table_name, job_id, amount_cents))  # 1 and 0: not bools
        """,
        tmp_path,
    )
    # Every test of both tasks checks what the calls returned: none is left out.
    zero_with(by_task(result, 1), "an int, expected a bool", "bools with exactly one True")
    zero_with(by_task(result, 2), "an int, expected a bool", "bools with exactly one True")
