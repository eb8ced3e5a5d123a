"""Published weekly lists into the workspace database; contacts and subsidies from the extract.

A week goes in whole or not at all: its rows are written in the transaction that creates the
`Week` row, whose date is unique, so a second import of the same week (even one running at the
same time) fails on the constraint, rolls back, and leaves the one copy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from django.db import IntegrityError, transaction

from workspace.models import Contact, ListRow, PlanRow, Subsidy, Talent, Week, WeekCounty
from workspace.published import LIST_FILE, PLAN_FILE, county_counts, published_weeks, read_week

BATCH = 5_000


def upsert_talents(frame: pl.DataFrame) -> dict[str, int]:
    """Create or re-county the week's talents; their database ids by talent_id."""
    pairs = frame.select("talent_id", "county").unique("talent_id").iter_rows()
    objs = [Talent(talent_id=t, county=c) for t, c in pairs]
    for start in range(0, len(objs), BATCH):
        Talent.objects.bulk_create(
            objs[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["talent_id"],
            update_fields=["county"],
        )
    wanted = set(frame["talent_id"])
    return {t: i for t, i in Talent.objects.values_list("talent_id", "id") if t in wanted}


def import_week(day: date, frame: pl.DataFrame) -> bool:
    """Write one week whole; False when the week was already there (nothing written)."""
    if Week.objects.filter(as_of=day).exists():
        return False
    try:
        with transaction.atomic():
            version = frame["model_version"].drop_nulls().first() if frame.height else None
            week = Week.objects.create(as_of=day, model_version=version or "", rows=frame.height)
            ids = upsert_talents(frame)
            batch = []
            for r in frame.iter_rows(named=True):
                batch.append(
                    ListRow(
                        week=week,
                        talent_id=ids[r["talent_id"]],
                        county=r["county"],
                        employer_name=r["employer_name"] or "",
                        p_leave_3m=r["p_leave_3m"],
                        p_leave_6m=r["p_leave_6m"],
                        p_leave_12m=r["p_leave_12m"],
                        risk_tier=r["risk_tier"],
                        subsidy_end_date=r["subsidy_end_date"],
                        months_to_subsidy_end=r["months_to_subsidy_end"],
                        months_unpaid=r["months_unpaid"],
                        reason_1=r["reason_1"] or "",
                        reason_2=r["reason_2"] or "",
                        reason_3=r["reason_3"] or "",
                        suggested_action=r["suggested_action"] or "",
                        county_rank=r["county_rank"],
                    )
                )
                if len(batch) >= BATCH:
                    ListRow.objects.bulk_create(batch)
                    batch = []
            ListRow.objects.bulk_create(batch)
            store_counts(week, frame)
    except IntegrityError:
        if Week.objects.filter(as_of=day).exists():  # another import of this week won the race
            return False
        raise
    return True


def store_counts(week: Week, frame: pl.DataFrame) -> None:
    """The week's list sizes per county, which the list page reads instead of counting rows."""
    WeekCounty.objects.bulk_create(
        [WeekCounty(week=week, **r) for r in county_counts(frame).iter_rows(named=True)]
    )


def backfill_counts(day: date, frame: pl.DataFrame) -> bool:
    """Counts for a week imported before they were kept (a re-import fills them in once)."""
    week = Week.objects.get(as_of=day)
    if week.county_counts.exists():
        return False
    try:
        with transaction.atomic():
            store_counts(week, frame)
    except IntegrityError:  # a concurrent re-import filled them first
        return False
    return True


def import_plan(day: date, path: Path) -> int:
    """The week's offer plan rows (plan.parquet), once; rows of unknown talents are skipped."""
    week = Week.objects.get(as_of=day)
    if week.plan_rows.exists():
        return 0
    plan = pl.read_parquet(path)
    ids = dict(
        Talent.objects.filter(talent_id__in=list(plan["talent_id"])).values_list("talent_id", "id")
    )
    rows = [
        PlanRow(
            week=week,
            talent_id=ids[r["talent_id"]],
            offer_kind=r["offer_kind"],
            monthly_yuan=r["monthly_yuan"],
            cost_yuan=r["cost_yuan"],
            p_leave_12m=r["p_leave_12m"],
            p_leave_12m_with_offer=r["p_leave_12m_with_offer"],
            months_gained=r["months_gained"],
            selected=bool(r["selected"]),
            rank=r.get("rank"),
            lottery=r.get("lottery") or "none",
        )
        for r in plan.iter_rows(named=True)
        if r["talent_id"] in ids
    ]
    try:
        with transaction.atomic():
            PlanRow.objects.bulk_create(rows, batch_size=BATCH)
    except IntegrityError:
        return 0
    return len(rows)


def import_contacts(contacts: pl.DataFrame) -> int:
    """Upsert the listed talents' contacts into the one contacts table; others are not kept."""
    ids = dict(Talent.objects.values_list("talent_id", "id"))
    objs = [
        Contact(talent_id=ids[t], name=n or "", phone=p or "", id_number=i or "")
        for t, n, p, i in contacts.select("talent_id", "name", "phone", "id_number").iter_rows()
        if t in ids
    ]
    with transaction.atomic():
        Contact.objects.bulk_create(
            objs,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["talent"],
            update_fields=["name", "phone", "id_number"],
        )
    return len(objs)


def import_subsidies(subsidies: pl.DataFrame) -> int:
    """Upsert the listed talents' grants (the subsidy timeline)."""
    ids = dict(Talent.objects.values_list("talent_id", "id"))
    columns = (
        "grant_id",
        "talent_id",
        "subsidy_type",
        "monthly_amount",
        "lump_sum",
        "start_date",
        "end_date",
    )
    objs = [
        Subsidy(
            grant_id=g,
            talent_id=ids[t],
            subsidy_type=k,
            monthly_amount=m,
            lump_sum=s,
            start_date=a,
            end_date=b,
        )
        for g, t, k, m, s, a, b in subsidies.select(columns).iter_rows()
        if t in ids
    ]
    with transaction.atomic():
        Subsidy.objects.bulk_create(
            objs,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["grant_id"],
            update_fields=[
                "talent",
                "subsidy_type",
                "monthly_amount",
                "lump_sum",
                "start_date",
                "end_date",
            ],
        )
    return len(objs)


def import_lists(
    lists: Path, contacts: pl.DataFrame | None = None, subsidies: pl.DataFrame | None = None
) -> str:
    """Import every published week not yet in the database, their plans, then contacts/grants."""
    lines = []
    for day, folder in published_weeks(lists):
        frame = read_week(folder / LIST_FILE)
        added = import_week(day, frame)
        lines.append(f"{day}: {'imported' if added else 'already imported'}")
        if not added and backfill_counts(day, frame):
            lines.append(f"{day}: list sizes per county counted")
        if (folder / PLAN_FILE).is_file() and (n := import_plan(day, folder / PLAN_FILE)):
            lines.append(f"{day}: {n} plan rows")
    if contacts is not None:
        lines.append(f"contacts of {import_contacts(contacts)} listed talents")
    if subsidies is not None:
        lines.append(f"{import_subsidies(subsidies)} grants")
    return "\n".join(lines)
