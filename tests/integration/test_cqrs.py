"""The CQRS pattern against moto: races decided by the conditional append, projections that survive
redelivery and replay, nothing lost between the store and the read models."""

import pytest

from patterns.cqrs.adapters import DynamoDbEventStore, SearchIndex, events_from_stream, stream_event_for
from patterns.cqrs.demo import (
    add_stats_projection_by_replay,
    deploy,
    measure_lag,
    measure_snapshots,
    place_order,
    race_two_commands,
    rebuild_search_by_replay,
    redelivered_batch,
)

pytestmark = pytest.mark.integration


def test_two_commands_on_one_version_one_wins_the_other_gets_409(sandbox, tmp_path):
    result = race_two_commands(deploy(sandbox, "race", search_dir=str(tmp_path)), "o-race")
    assert sorted(result.statuses) == [200, 409]
    assert result.events_stored == 2
    assert result.stalled is None
    assert result.rounds == 1


def test_seed_000s_plain_put_answers_200_twice_and_loses_an_event(sandbox, tmp_path):
    result = race_two_commands(
        deploy(sandbox, "seed", append_mode="seed", search_dir=str(tmp_path)), "o-race"
    )
    assert result.statuses == (200, 200)
    assert result.events_stored == 2  # three events answered 2xx, two kept


def test_every_appended_event_reaches_both_read_models_once(sandbox, tmp_path):
    lab = deploy(sandbox, search_dir=str(tmp_path), batch_size=3)
    for number in range(7):
        assert place_order(lab, number, order_id=f"o-{number}").status == 201
    sandbox.settle()
    view, search = lab.view().versions(), lab.search()
    assert view == search.versions() == {f"o-{n}": 1 for n in range(7)}
    assert lab.source is not None
    assert lab.source.stats().records_processed == 7
    assert [hit["order_id"] for hit in search.search("chair")] != []
    store = DynamoDbEventStore(sandbox.client("dynamodb"), lab.events_table)
    items = [item for page in store.scan_pages() for item in page]
    event = stream_event_for(items, lab.events_arn)
    assert len(events_from_stream(event)) == 7
    again = sandbox.lambdas.invoke(lab.projector, event)  # the whole batch delivered again
    assert again.payload == {"applied": 0, "skipped": 14}
    search.close()


def test_a_rebuilt_index_and_a_projection_added_later_match_the_store(sandbox, tmp_path):
    lab = deploy(sandbox, search_dir=str(tmp_path))
    for number in range(5):
        place_order(lab, number)
    sandbox.settle()
    rebuilt = rebuild_search_by_replay(lab)
    assert (rebuilt.events, rebuilt.matches) == (5, True)
    added = add_stats_projection_by_replay(lab, later_orders=2)
    assert added.matches
    guarded, seed = redelivered_batch(lab, style="stats"), redelivered_batch(lab, style="seed-stats")
    assert sum(guarded.values()) == 7
    assert sum(seed.values()) == 14


def test_search_rejects_a_bad_query_with_400(sandbox, tmp_path):
    lab = deploy(sandbox, search_dir=str(tmp_path))
    assert lab.queries.request("GET", "/search?q=").status == 400
    assert lab.queries.request("GET", '/search?q="unbalanced').status == 400
    assert isinstance(SearchIndex(str(tmp_path / "x.sqlite3")).search("lamp"), list)


def test_snapshots_cut_the_items_a_load_reads(sandbox, tmp_path):
    lab = deploy(sandbox, search_dir=str(tmp_path))
    loads = measure_snapshots(lab, (45,), snapshot_every=20)
    plain, snap = loads
    assert (plain.items_read, plain.requests) == (45, 1)
    assert (snap.items_read, snap.requests) == (1 + 5, 2)


def test_the_lag_driver_projects_every_record_through_the_real_stream(sandbox, tmp_path):
    lab = deploy(sandbox, "lag", attach_projector=False, search_dir=str(tmp_path))
    full = measure_lag(lab, batch_size=4, window_s=30.0, orders=8, rate_per_s=100.0)
    assert full.batches == (4, 4)  # each batch filled long before the window closed
    waited = measure_lag(lab, batch_size=100, window_s=1.0, orders=5, rate_per_s=10.0)
    assert waited.batches == (5,)
    assert waited.max_s >= 1.0
    assert len(lab.view().versions()) == 13


def test_the_command_api_answers_every_bad_request_with_its_status(sandbox, tmp_path):
    lab = deploy(sandbox, search_dir=str(tmp_path))
    door = lab.commands
    assert door.request("POST", "/orders", body="not json").status == 400
    bad = door.request("POST", "/orders", body={"customer": "", "city": "Porto", "lines": []})
    assert bad.status == 400
    assert "customer" in bad.json()["message"]
    assert "lines" in bad.json()["message"]
    assert place_order(lab, 1, order_id="o-1").status == 201
    assert place_order(lab, 2, order_id="o-1").status == 409  # the id is taken: version 1 exists
    assert door.request("POST", "/orders/o-1/refund", body={"expected_version": 1}).status == 400
    assert door.request("POST", "/orders/o-1/ship", body={}).status == 400
    assert door.request("POST", "/orders/o-1/ship", body={"expected_version": 1}).status == 200
    assert (
        door.request("POST", "/orders/o-1/cancel", body={"expected_version": 2, "reason": "x"}).status == 422
    )
