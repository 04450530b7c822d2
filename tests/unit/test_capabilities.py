"""Which backend gives the local runtime which capability, and the one skip line."""

import pytest

from patterns.lab.capabilities import BACKEND_KINDS, Capability, backend_supports, skip_message

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("capability", list(Capability))
def test_moto_in_process_supports_everything_and_the_others_nothing(capability):
    assert backend_supports("moto", capability) is True
    assert backend_supports("endpoint", capability) is False
    assert backend_supports("aws", capability) is False


def test_the_members_the_patterns_rely_on():
    assert {c.name for c in Capability} >= {"PUSH_DELIVERIES", "STATE_MACHINE_LAMBDA_TASKS"}
    assert "SNS, S3 and EventBridge" in Capability.PUSH_DELIVERIES.description
    assert "Step Functions" in Capability.STATE_MACHINE_LAMBDA_TASKS.description
    assert all(c.label and len(c.label) < len(c.description) for c in Capability)


def test_an_unknown_backend_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown backend kind 'localstack'"):
        backend_supports("localstack", Capability.PUSH_DELIVERIES)  # type: ignore[arg-type]


def test_the_skip_line_names_the_backend_what_is_skipped_and_why():
    line = skip_message(
        "endpoint", "http://127.0.0.1:5077", Capability.STATE_MACHINE_LAMBDA_TASKS, "the rollback"
    )
    assert line == (
        "[endpoint http://127.0.0.1:5077] skipped: the rollback needs Lambda tasks inside Step "
        "Functions executions, which a moto server or LocalStack cannot give the lab's local runtime."
    )
    assert "\n" not in line


@pytest.mark.parametrize("kind", [k for k in BACKEND_KINDS if k != "moto"])
def test_every_backend_that_lacks_a_capability_explains_why(kind):
    line = skip_message(kind, "", Capability.PUSH_DELIVERIES, "the fan-out")
    assert line.startswith(f"[{kind}] skipped: the fan-out needs push deliveries")
    assert line.endswith("local runtime.")


def test_execution_environments_get_the_endpoint_and_fake_credentials_but_never_on_real_aws():
    from patterns.lab.sandbox import Backend, platform_environment

    endpoint = platform_environment(Backend("endpoint", "http://127.0.0.1:5077"), "eu-west-1")
    assert endpoint["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5077"
    assert (endpoint["AWS_REGION"], endpoint["AWS_DEFAULT_REGION"]) == ("eu-west-1", "eu-west-1")
    assert endpoint["AWS_ACCESS_KEY_ID"] == "testing"
    in_process = platform_environment(Backend(), "us-east-1")
    assert "AWS_ENDPOINT_URL" not in in_process
    assert in_process["AWS_SECRET_ACCESS_KEY"] == "testing"
    real = platform_environment(Backend("aws"), "us-east-1")
    assert real == {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
