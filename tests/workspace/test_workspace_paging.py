"""The two lists a page at a time: sizes counted at import, filters kept across pages, htmx
swapping the lists only, and a query count that does not grow with the list."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.workspace import lists
from tests.workspace.conftest import PASSWORD

WEEK = date(2026, 10, 12)  # older than every other test's week: read with ?week=
COUNTY = "linyi"
IDS = lists.talent_ids(COUNTY, 300)
# 300 talents: 200 high or medium; one in six of those stopped paying (i % 6 == 5).
PAYING = [t for i, t in enumerate(IDS[:200]) if i % 6 != 5]  # in rank order (risk falls with i)
VERIFY = [t for i, t in enumerate(IDS[:200]) if i % 6 == 5]
MEDIUM = [t for i, t in enumerate(IDS[100:200], start=100) if i % 6 != 5]


@pytest.fixture(scope="module")
def linyi(web):
    from workspace.accounts import add_user
    from workspace.importer import import_lists

    out = web["root"] / "paging-lists"
    (out / WEEK.isoformat()).mkdir(parents=True)
    i = pl.int_range(pl.len())
    tier = pl.when(i < 100).then(pl.lit("high")).when(i < 200).then(pl.lit("medium"))
    frame = lists.risk_list(WEEK, counties=(COUNTY,), per_county=300).with_columns(
        risk_tier=tier.otherwise(pl.lit("low"))
    )
    frame.write_parquet(out / WEEK.isoformat() / "risk_list.parquet")
    import_lists(out)
    add_user("officer_linyi", COUNTY, PASSWORD)
    return out


def page(client, **params) -> str:
    return client.get("/", {"week": WEEK.isoformat(), **params}).content.decode()


def test_the_list_sizes_are_counted_once_at_import(linyi):
    from workspace.models import WeekCounty

    sizes = WeekCounty.objects.get(week__as_of=WEEK, county=COUNTY)
    assert (sizes.paying, sizes.verify, sizes.top) == (len(PAYING), len(VERIFY), 50)


def test_a_reimport_counts_a_week_imported_before_the_counts_were_kept(linyi):
    from workspace.importer import import_lists
    from workspace.models import WeekCounty

    WeekCounty.objects.filter(week__as_of=WEEK).delete()
    assert f"{WEEK}: list sizes per county counted" in import_lists(linyi)
    assert WeekCounty.objects.get(week__as_of=WEEK, county=COUNTY).paying == len(PAYING)
    assert "counted" not in import_lists(linyi)  # once


def test_each_list_shows_a_page_of_50_in_rank_order(linyi, client_as):
    officer = client_as("officer_linyi")
    first = page(officer)
    assert f"({len(PAYING)})" in first and f"({len(VERIFY)})" in first
    assert f">{PAYING[49]}<" in first and f">{PAYING[50]}<" not in first
    assert all(f">{t}<" in first for t in VERIFY)  # 33: one page
    second = page(officer, page=2)
    assert f">{PAYING[50]}<" in second and f">{PAYING[99]}<" in second
    assert f">{PAYING[49]}<" not in second and f">{PAYING[100]}<" not in second
    assert "第 2 / 4 页" in second
    last = page(officer, page=99)  # past the end: the last page
    assert f">{PAYING[-1]}<" in last and "第 4 / 4 页" in last
    assert f">{PAYING[0]}<" in page(officer, page="x")


def test_paging_keeps_the_search_and_filters(linyi, client_as):
    officer = client_as("officer_linyi")
    medium = page(officer, tier="medium")
    assert f"({len(MEDIUM)})" in medium and "第 1 / 2 页" in medium
    link = medium.split('class="next" href="')[1].split('"')[0]
    assert "tier=medium" in link and "page=2" in link and f"week={WEEK}" in link
    second = officer.get(link.replace("&amp;", "&")).content.decode()
    assert f">{MEDIUM[50]}<" in second and f">{MEDIUM[-1]}<" in second
    assert f">{MEDIUM[49]}<" not in second and f">{PAYING[0]}<" not in second
    found = page(officer, q=PAYING[120])
    assert f">{PAYING[120]}<" in found and "(1)" in found and 'class="next"' not in found


def test_htmx_gets_the_lists_alone_and_a_history_restore_the_whole_page(linyi, client_as):
    officer = client_as("officer_linyi")
    params = {"week": WEEK.isoformat(), "page": "2"}
    swapped = officer.get("/", params, HTTP_HX_REQUEST="true").content.decode()
    assert swapped.lstrip().startswith('<div id="lists">') and "<html" not in swapped
    assert f">{PAYING[50]}<" in swapped
    restored = officer.get(
        "/", params, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()


def test_the_list_page_makes_the_same_few_queries_whatever_the_page_or_actions(linyi, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = client_as("officer_linyi")

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get("/", {"week": WEEK.isoformat(), **params}).status_code == 200
        return len(captured)

    queries()  # the first page after the login renews the session (a write, once a minute)
    before = queries()
    for talent in PAYING[:3]:
        officer.post(
            f"/talents/{talent}/actions/", {"action": "called", "action_date": "2026-10-13"}
        )
    assert "3 / 50" in page(officer)
    assert queries() == before == queries(page=3)
    # session, user, officer, week, sizes, progress, the two pages; no session write
    assert before <= 8, before
    assert queries(status="open") <= before + 2  # filtered: the two lists counted live
