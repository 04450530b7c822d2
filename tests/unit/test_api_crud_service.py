"""The items API's service logic on the in-memory store: validation, versions, cursors."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.api_crud.exceptions import (
    InvalidCursorError,
    InvalidItemError,
    ItemNotFoundError,
    StaleWriteError,
)
from patterns.api_crud.service import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InMemoryItemStore,
    ItemService,
    decode_cursor,
    encode_cursor,
    etag,
    parse_item,
    parse_limit,
    version_from_etag,
)

pytestmark = pytest.mark.unit
SECRET = b"unit-test-secret"


def service() -> ItemService:
    ids = iter(f"id-{n:03d}" for n in range(1000))
    return ItemService(InMemoryItemStore(), cursor_secret=SECRET, new_id=lambda: next(ids))


def test_a_valid_body_becomes_item_fields():
    fields = parse_item(json.dumps({"name": "  lamp ", "price_cents": 1999, "tags": ["a"]}))
    assert (fields.name, fields.price_cents, fields.tags) == ("lamp", 1999, ["a"])


def test_every_problem_of_a_body_is_listed_by_field():
    with pytest.raises(InvalidItemError) as invalid:
        parse_item(json.dumps({"name": "", "price_cents": "12", "tags": ["x"] * 11, "colour": "red"}))
    assert [p["field"] for p in invalid.value.problems] == ["name", "price_cents", "tags", "colour"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [(None, "has no body"), ("{", "not valid JSON"), ("[1]", "must be a JSON object, got list")],
)
def test_a_body_that_is_not_an_object_says_so(body, problem):
    with pytest.raises(InvalidItemError, match=problem):
        parse_item(body)


def test_a_float_price_is_refused_not_rounded():
    with pytest.raises(InvalidItemError, match="price_cents"):
        parse_item(json.dumps({"name": "lamp", "price_cents": 19.99}))


@pytest.mark.parametrize(
    ("raw", "limit"), [(None, DEFAULT_PAGE_SIZE), ("", DEFAULT_PAGE_SIZE), ("1", 1), ("100", 100)]
)
def test_limits_within_bounds_are_accepted(raw, limit):
    assert parse_limit(raw) == limit


@pytest.mark.parametrize("raw", ["0", str(MAX_PAGE_SIZE + 1), "-1", "ten", "2.5"])
def test_limits_out_of_bounds_are_refused(raw):
    with pytest.raises(InvalidItemError, match="whole number from 1 to 100"):
        parse_limit(raw)


def test_etags_name_versions_and_nothing_else():
    item = service().create(parse_item('{"name": "a", "price_cents": 1}'))
    assert etag(item) == '"v1"'
    assert [version_from_etag(v) for v in ('"v1"', 'W/"v12"', "v1", '"x1"', '""', '"v"')] == [
        1,
        12,
        None,
        None,
        None,
        None,
    ]


def test_a_replace_from_an_old_version_is_refused_and_changes_nothing():
    items = service()
    created = items.create(parse_item('{"name": "a", "price_cents": 1}'))
    updated = items.replace(created.id, parse_item('{"name": "b", "price_cents": 2}'), 1)
    assert updated.version == 2
    with pytest.raises(StaleWriteError, match="now at version 2"):
        items.replace(created.id, parse_item('{"name": "c", "price_cents": 3}'), 1)
    assert items.get(created.id).name == "b"


def test_missing_items_are_not_found_for_read_replace_and_delete():
    items = service()
    with pytest.raises(ItemNotFoundError):
        items.get("nope")
    with pytest.raises(StaleWriteError, match="no longer exists"):
        items.replace("nope", parse_item('{"name": "a", "price_cents": 1}'), 1)
    with pytest.raises(ItemNotFoundError):
        items.delete("nope")


@given(count=st.integers(0, 40), limit=st.integers(1, 15))
def test_paging_returns_every_item_once(count, limit):
    items = service()
    created = {items.create(parse_item(f'{{"name": "n{i}", "price_cents": {i}}}')).id for i in range(count)}
    seen: list[str] = []
    cursor = None
    while True:
        page = items.list_page(limit, cursor)
        assert len(page.items) <= limit
        seen += [item.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(created)


def test_a_cursor_is_opaque_and_a_forged_one_is_refused():
    cursor = encode_cursor({"id": {"S": "id-007"}}, SECRET)
    assert "id-007" not in cursor
    assert decode_cursor(cursor, SECRET) == {"id": {"S": "id-007"}}
    forged = encode_cursor({"id": {"S": "id-900"}}, b"another-secret")
    for bad in (forged, cursor[:-2], "!!!", ""):
        with pytest.raises(InvalidCursorError, match="not one this API issued"):
            decode_cursor(bad, SECRET)
