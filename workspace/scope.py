"""The one choke point of county scoping: every view reads talents, lists, contacts, plans
and actions through `scoped`, so no view can forget the filter."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404

from workspace.models import (
    Action,
    Contact,
    ListRow,
    Officer,
    PlanRow,
    Subsidy,
    Talent,
    WeekCounty,
)

# Where each scoped model keeps the county it belongs to.
COUNTY_FIELD: dict[type[Model], str] = {
    Talent: "county",
    ListRow: "county",  # denormalised at import from the same row as the talent's county
    Contact: "talent__county",
    Subsidy: "talent__county",
    PlanRow: "talent__county",
    Action: "county",  # set from the talent when recorded
    WeekCounty: "county",  # the list sizes counted at import
}


def officer_of(user) -> Officer:
    """The user's officer record; a user without one sees nothing (404).

    Read through the user's one-to-one accessor, which Django caches on the request's user:
    one query per request however many scoped reads the page makes."""
    if not user.is_authenticated:
        raise Http404
    try:
        return user.officer
    except Officer.DoesNotExist:
        raise Http404 from None


def is_city_admin(user) -> bool:
    """An admin sees every county."""
    return officer_of(user).is_city_admin


def scoped(user, model: type[Model], county: str | None = None) -> QuerySet:
    """`model`'s rows the user may see: their own county's, or every county's for an admin.

    An admin may narrow to one `county`; an officer's `county` argument is ignored.
    """
    officer = officer_of(user)
    rows = model.objects.all()
    if officer.is_city_admin:
        return rows.filter(**{COUNTY_FIELD[model]: county}) if county else rows
    if not officer.county:
        return rows.none()
    return rows.filter(**{COUNTY_FIELD[model]: officer.county})


def scoped_talent(user, talent_id: str) -> Talent:
    """The talent, if the user may see them; else 404 (never 403: no hint it exists)."""
    talent = scoped(user, Talent).filter(talent_id=talent_id).first()
    if talent is None:
        raise Http404
    return talent
