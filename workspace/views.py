"""The officers' pages. Every query goes through `workspace.scope.scoped`."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from workspace.charts import risk_chart
from workspace.forms import ActionForm
from workspace.models import (
    COUNTY_CHOICES,
    Action,
    AuditEvent,
    Contact,
    ListRow,
    PlanRow,
    Subsidy,
    Week,
    WeekCounty,
)
from workspace.published import TOP
from workspace.rows import rows_html
from workspace.scope import is_city_admin, officer_of, scoped, scoped_talent
from workspace.wording import action_label, county_label, subsidy_label, words
from workspace.writes import write_transaction

PAGE = 50  # rows per list per page (an officer's week of calls)
FILTERS = ("q", "tier", "subsidy", "status")


def current_week(request) -> Week | None:
    """The week asked for (?week=YYYY-MM-DD), else the latest imported."""
    weeks = Week.objects.order_by("-as_of")
    if asked := request.GET.get("week"):
        try:
            return weeks.filter(as_of=date.fromisoformat(asked)).first()
        except ValueError:
            raise Http404 from None
    return weeks.first()


def admin_county(request) -> str | None:
    """The county an admin narrowed to (?county=), checked against the codes."""
    county = request.GET.get("county") or None
    if county and county not in dict(COUNTY_CHOICES):
        raise Http404
    return county


def filter_rows(rows, request, week: Week):
    """Search and filters by tier, subsidy end and action status."""
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(talent__talent_id__icontains=q) | Q(employer_name__icontains=q))
    if (tier := request.GET.get("tier")) in ("high", "medium"):
        rows = rows.filter(risk_tier=tier)
    subsidy = request.GET.get("subsidy")
    if subsidy in ("6", "12"):
        rows = rows.filter(months_to_subsidy_end__gte=0, months_to_subsidy_end__lte=int(subsidy))
    elif subsidy == "ended":
        rows = rows.filter(months_to_subsidy_end__lt=0)
    acted = Action.objects.filter(talent=OuterRef("talent"), list_as_of=week.as_of)
    rows = rows.annotate(acted=Exists(acted))
    status = request.GET.get("status")
    if status == "acted":
        rows = rows.filter(acted=True)
    elif status == "open":
        rows = rows.filter(acted=False)
    return rows


def is_filtered(request) -> bool:
    return any(request.GET.get(key, "").strip() for key in FILTERS)


def list_sizes(user, week: Week, county: str | None) -> tuple[int, int, int]:
    """(paying, to verify, top) of the week, as counted at import, summed over visible counties."""
    sizes = scoped(user, WeekCounty, county).filter(week=week)
    total = sizes.aggregate(p=Sum("paying"), v=Sum("verify"), t=Sum("top"))
    return total["p"] or 0, total["v"] or 0, total["t"] or 0


def top_actions(user, week: Week, county: str | None = None):
    """The actions on this week's list of its top 50 paying talents (per county).

    Read from the actions (a county's few hundred), not from the list's ~17,000 rows."""
    return scoped(user, Action, county).filter(
        list_as_of=week.as_of,
        talent__list_rows__week=week,
        talent__list_rows__county_rank__lte=TOP,
    )


def acted_on_top(user, week: Week, county: str | None) -> int:
    """How many of the week's top 50 paying talents (per county) had an action on this list."""
    return top_actions(user, week, county).values("talent").distinct().count()


def progress(user, week: Week, county: str | None) -> tuple[int, int]:
    """Of the week's top 50 paying talents (per county), how many had an action on this list."""
    return acted_on_top(user, week, county), list_sizes(user, week, county)[2]


def page_of(request, key: str, total: int) -> dict:
    """One list's page (?page= or ?vpage=): its slice and the links either side, filters kept."""
    pages = max(1, -(-total // PAGE))
    try:
        number = min(max(1, int(request.GET.get(key, 1))), pages)
    except ValueError:
        number = 1

    def link(n: int) -> str:
        query = request.GET.copy()
        query[key] = str(n)
        return "?" + query.urlencode()

    return {
        "number": number,
        "pages": pages,
        "total": total,
        "start": (number - 1) * PAGE,
        "prev": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
    }


@never_cache
@login_required
@require_GET
def county_list(request):
    """This week's two lists for my county (an admin: all, or ?county=), a page of each."""
    admin = is_city_admin(request.user)
    county = admin_county(request) if admin else None
    week = current_week(request)
    context = {"week": week, "county": county, "params": request.GET, "is_admin": admin}
    if week is not None:
        rows = scoped(request.user, ListRow, county).filter(
            week=week, risk_tier__in=("high", "medium")
        )
        rows = filter_rows(rows, request, week)
        # The paying list is exactly the ranked rows (ranked at import: high/medium, paying).
        paying = rows.filter(county_rank__isnull=False).order_by("county_rank", "-p_leave_6m")
        verify = rows.filter(months_unpaid__gte=1).order_by("-months_unpaid", "-p_leave_6m")
        sizes = list_sizes(request.user, week, county)
        if is_filtered(request):
            paying_count, verify_count = paying.count(), verify.count()
        else:
            paying_count, verify_count = sizes[0], sizes[1]
        paying_page = page_of(request, "page", paying_count)
        verify_page = page_of(request, "vpage", verify_count)
        w = words(request)["w"]
        context.update(
            paying_rows=rows_html(paying[paying_page["start"] :][:PAGE], w, verify_list=False),
            paying_count=paying_count,
            paying_page=paying_page,
            verify_rows=rows_html(verify[verify_page["start"] :][:PAGE], w, verify_list=True),
            verify_count=verify_count,
            verify_page=verify_page,
            progress=(acted_on_top(request.user, week, county), sizes[2]),
            weeks=Week.objects.order_by("-as_of")[:12],
        )
    context["county_name"] = county_label(county or officer_of(request.user).county or "")
    context["counties"] = [(c, county_label(c)) for c, _ in COUNTY_CHOICES]
    # htmx (filters, search, paging) swaps #lists only: render just that part.
    swap = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    if swap and week is not None:
        return render(request, "workspace/_lists.html", context)
    return render(request, "workspace/list.html", context)


def talent_context(request, talent) -> dict:
    """Everything the talent page shows except the contact."""
    rows = list(
        scoped(request.user, ListRow)
        .filter(talent=talent)
        .select_related("week")
        .order_by("week__as_of")
    )
    latest = rows[-1] if rows else None
    plan = None
    if latest is not None:
        plan = scoped(request.user, PlanRow).filter(talent=talent, week=latest.week).first()
    actions = scoped(request.user, Action).filter(talent=talent).select_related("officer")
    return {
        "talent": talent,
        "county_name": county_label(talent.county),
        "row": latest,
        "reasons": [r for r in (latest.reason_1, latest.reason_2, latest.reason_3) if r]
        if latest
        else [],
        "chart": risk_chart([(r.week.as_of, r.p_leave_6m, r.p_leave_12m) for r in rows]),
        "subsidies": [
            (s, subsidy_label(s.subsidy_type))
            for s in scoped(request.user, Subsidy).filter(talent=talent).order_by("start_date")
        ],
        "plan": plan,
        "actions": [(a, action_label(a.action)) for a in actions],
        "form": ActionForm(initial={"action_date": date.today()}),
        "today": date.today(),
    }


@never_cache
@login_required
@require_GET
def talent_page(request, talent_id: str):
    """A talent's page: 404 outside the officer's county."""
    talent = scoped_talent(request.user, talent_id)
    return render(request, "workspace/talent.html", talent_context(request, talent))


@never_cache
@login_required
@require_POST
def reveal_contact(request, talent_id: str):
    """The contact, after the click; each reveal is written to the audit log first."""
    talent = scoped_talent(request.user, talent_id)
    with write_transaction():
        AuditEvent.objects.create(
            user=request.user,
            event="contact_revealed",
            talent_id=talent.talent_id,
            county=talent.county,
        )
        contact = scoped(request.user, Contact).filter(talent=talent).first()
    response = render(request, "workspace/_contact.html", {"contact": contact})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_POST
def record_action(request, talent_id: str):
    """Record an action (fields action, action_date, note, follow_up_date)."""
    talent = scoped_talent(request.user, talent_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        context = talent_context(request, talent)
        context["form"] = form
        return render(request, "workspace/talent.html", context, status=400)
    day = form.cleaned_data["action_date"]
    answered = (
        scoped(request.user, ListRow)
        .filter(talent=talent, week__as_of__lte=day)
        .order_by("-week__as_of")
        .values_list("week__as_of", flat=True)
        .first()
    )
    with write_transaction():
        Action.objects.create(
            talent=talent,
            county=talent.county,
            officer=request.user,
            list_as_of=answered,
            **form.cleaned_data,
        )
        AuditEvent.objects.create(
            user=request.user,
            event="action_recorded",
            talent_id=talent.talent_id,
            county=talent.county,
        )
    return redirect("talent", talent_id=talent.talent_id)


@never_cache
@login_required
@require_GET
def ledger(request):
    """My county's actions, newest first, and the week's progress."""
    county = admin_county(request) if is_city_admin(request.user) else None
    actions = scoped(request.user, Action, county).select_related("talent", "officer")
    week = current_week(request)
    return render(
        request,
        "workspace/ledger.html",
        {
            "actions": [(a, action_label(a.action)) for a in actions[:500]],
            "actions_count": actions.count(),
            "week": week,
            "progress": progress(request.user, week, county) if week else None,
            "county_name": county_label(county or officer_of(request.user).county or ""),
        },
    )


@never_cache
@login_required
@require_GET
def overview(request):
    """For admins: every county side by side (404 for officers)."""
    if not is_city_admin(request.user):
        raise Http404
    week = current_week(request)
    counts, tops = {}, {}
    if week is not None:
        for sizes in scoped(request.user, WeekCounty).filter(week=week):
            counts[sizes.county] = sizes.paying + sizes.verify
            tops[sizes.county] = sizes.top
    actions = scoped(request.user, Action)
    totals = {r["county"]: r["n"] for r in actions.values("county").annotate(n=Count("id"))}
    since = week.as_of if week else date.today() - timedelta(days=7)
    recent = {
        r["county"]: r["n"]
        for r in actions.filter(action_date__gte=since).values("county").annotate(n=Count("id"))
    }
    acted = {}
    if week is not None:
        by_county = top_actions(request.user, week).values("county")
        acted = {r["county"]: r["n"] for r in by_county.annotate(n=Count("talent", distinct=True))}
    table = []
    for code, _ in COUNTY_CHOICES:
        done = acted.get(code, 0)
        table.append(
            {
                "code": code,
                "name": county_label(code),
                "listed": counts.get(code, 0),
                "done": done,
                "top": tops.get(code, 0),
                "actions": totals.get(code, 0),
                "recent": recent.get(code, 0),
            }
        )
    return render(request, "workspace/overview.html", {"week": week, "table": table})


def health(request):
    """For the reverse proxy's health check: no data, no login."""
    return HttpResponse("ok", content_type="text/plain")
