"""Search by name and by identifier at national scale: every word of the query is part of one of
the child's names, in any case; on PostgreSQL both lookups can be answered from an index (a
trigram index over every name, identifiers by value) instead of reading every child."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mace.access.choices import AccessChannel
from mace.people.models import Child, ChildIdentifier
from mace.people.selectors import child_search
from tests.factories import ChildFactory


def _found(user, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    result = child_search(user=user, query=query, channel=AccessChannel.API)
    return {c.full_name for c in result.children}


def test_every_word_is_part_of_a_name_in_any_case(alice, csc):
    ChildFactory(forename="Zephyrine", surname="Testington", other_names="Zeph", involved=[csc])
    ChildFactory(forename="Quillon", surname="Zephyrson", involved=[csc])
    ChildFactory(forename="Barnaby", surname="Imaginary", involved=[csc])
    assert _found(alice, "ZEPH") == {"Zephyrine Testington", "Quillon Zephyrson"}
    assert _found(alice, "zeph TESTING") == {"Zephyrine Testington"}
    assert _found(alice, "phyr quill") == {"Quillon Zephyrson"}
    # The other names ("known as") are searched too; a word in no name finds nobody.
    assert _found(alice, "zeph testington zeph") == {"Zephyrine Testington"}
    assert _found(alice, "zeph nobody") == set()


def test_a_renamed_child_is_found_by_the_new_name(alice, child):
    Child.objects.filter(pk=child.pk).update(other_names="Known as Wren")
    assert _found(alice, "wren") == {"Zephyrine Testington"}


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=False)
def test_on_postgresql_search_can_be_answered_from_indexes(alice, child):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm and its index exist only on PostgreSQL")
    ChildIdentifier.objects.create(child=child, type="police", value="FICTIONAL/77")
    with CaptureQueriesContext(connection) as captured:
        _found(alice, "zephyr")
    by_name = next(q["sql"] for q in captured if "search_name" in q["sql"])
    by_identifier = next(q["sql"] for q in captured if '"people_childidentifier"' in q["sql"])
    assert "people_child_search_name_trgm" in _plan(by_name)
    assert "people_chil_value_07a935_idx" in _plan(by_identifier)
