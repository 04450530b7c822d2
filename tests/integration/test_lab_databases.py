"""The lab's PostgreSQL refuses connections beyond max_connections; PgBouncer shares a few among many."""

import pytest

from patterns.lab.databases import APP_USER, is_too_many_clients, pgbouncer, postgres_server
from patterns.lab.exceptions import LabError

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("postgres")]


@pytest.fixture(scope="module")
def server():
    with postgres_server(max_connections=3) as running:
        yield running


def test_the_server_allows_exactly_max_connections_to_applications(server):
    held = [server.connect() for _ in range(3)]
    try:
        assert server.application_connections() == 3
        with pytest.raises(Exception) as refused:  # noqa: PT011 - pg8000 wraps the refusal in InterfaceError
            server.connect()
        assert is_too_many_clients(refused.value)
        assert held[0].run("SELECT current_user") == [[APP_USER]]
    finally:
        for connection in held:
            connection.close()
    server.end_application_connections()
    assert server.application_connections() == 0


def test_ending_application_connections_frees_their_slots(server):
    held = [server.connect() for _ in range(3)]
    assert server.end_application_connections() == 3
    assert server.application_connections() == 0
    fresh = server.connect()
    fresh.close()
    del held


def test_the_pooler_serves_more_clients_than_the_server_has_slots_for(server):
    with pgbouncer(server, pool_size=2) as pooler:
        clients = [pooler.connect() for _ in range(8)]
        try:
            for client in clients[:2]:
                assert client.run("SELECT 1") == [[1]]
            assert server.application_connections() <= 2
        finally:
            for client in clients:
                client.close()


def test_a_pool_larger_than_the_server_is_refused(server):
    with pytest.raises(LabError, match="pool_size must be 1 to 3"), pgbouncer(server, pool_size=4):
        pass
