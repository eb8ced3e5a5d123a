"""The pages as officers use them, through Django's test client."""

from __future__ import annotations

from datetime import date

from tests.workspace.lists import talent_ids

QIHE, DECHENG = talent_ids("qihe"), talent_ids("decheng")


def test_the_list_shows_my_county_in_chinese_split_into_paying_and_to_verify(client_as):
    page = client_as("officer_qihe").get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    html = page.content.decode()
    assert page.status_code == 200
    assert "在岗需关注" in html and "已停缴待核实" in html and "齐河县" in html
    assert QIHE[0] in html and QIHE[5] in html  # QI00005 stopped paying: on the list to verify
    assert html.index(QIHE[0]) < html.index("已停缴待核实") < html.index(f">{QIHE[5]}<")
    assert not any(t in html for t in DECHENG)
    assert QIHE[45] not in html  # low tier: not on an officer's list


def test_filters_by_tier_search_subsidy_end_and_action_status(client_as):
    client = client_as("officer_qihe")
    high = client.get("/", {"tier": "high"}).content.decode()
    assert QIHE[0] in high and QIHE[25] not in high
    found = client.get("/", {"q": QIHE[7]}).content.decode()
    assert QIHE[7] in found and QIHE[8] not in found
    ended = client.get("/", {"subsidy": "ended"}).content.decode()
    assert QIHE[0] in ended and QIHE[3] not in ended  # i % 18 < 3 has ended
    client.post(f"/talents/{QIHE[9]}/actions/", {"action": "called", "action_date": "2026-11-24"})
    acted = client.get("/", {"status": "acted"}).content.decode()
    assert QIHE[9] in acted and QIHE[10] not in acted
    assert QIHE[9] not in client.get("/", {"status": "open"}).content.decode()


def test_english_by_the_switch(client_as):
    client = client_as("officer_qihe")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    html = client.get("/").content.decode()
    assert "Paying, at risk" in html and "Qihe" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "在岗需关注" in client.get("/").content.decode()


def test_the_talent_page_shows_reasons_timeline_chart_plan_and_hides_the_contact(client_as):
    html = client_as("officer_qihe").get(f"/talents/{QIHE[0]}/").content.decode()
    assert "生活补贴3个月后到期" in html and "补贴到期前联系" in html
    assert "2024-01-01 → 2027-02-28" in html  # the subsidy timeline
    assert html.count("<circle") == 4  # two weeks x two horizons
    assert 'id="plan"' in html and "18000" in html
    assert "王" not in html.split('id="contact-card"')[1].split("</div>")[0]
    assert "13900000000" not in html


def test_revealing_the_contact_writes_the_audit_log_first(client_as, user):
    from workspace.models import AuditEvent

    client = client_as("officer_qihe")
    before = AuditEvent.objects.filter(event="contact_revealed", talent_id=QIHE[1]).count()
    shown = client.post(f"/talents/{QIHE[1]}/contact/")
    assert shown.status_code == 200 and "13900000001" in shown.content.decode()
    assert shown["Cache-Control"].startswith("no-store")
    events = AuditEvent.objects.filter(event="contact_revealed", talent_id=QIHE[1])
    assert events.count() == before + 1
    assert events.last().user == user("officer_qihe")
    assert client.get(f"/talents/{QIHE[1]}/contact/").status_code == 405  # GET cannot reveal


def test_recording_an_action_lands_in_the_ledger_against_the_week_it_answered(client_as):
    from workspace.models import Action

    client = client_as("officer_qihe")
    form = {
        "action": "visited",
        "action_date": "2026-11-20",
        "note": "上门",
        "follow_up_date": "2026-12-01",
    }
    saved = client.post(f"/talents/{QIHE[2]}/actions/", form)
    assert saved.status_code == 302 and saved["Location"] == f"/talents/{QIHE[2]}/"
    action = Action.objects.filter(talent__talent_id=QIHE[2]).latest("id")
    assert action.list_as_of == date(2026, 11, 16)  # the list out on the action's date
    assert action.follow_up_date == date(2026, 12, 1)
    ledger = client.get("/ledger/").content.decode()
    assert QIHE[2] in ledger and "上门走访" in ledger
    assert "上门走访" in client.get(f"/talents/{QIHE[2]}/").content.decode()


def test_a_bad_action_is_refused_and_nothing_is_written(client_as):
    from workspace.models import Action

    client = client_as("officer_qihe")
    before = Action.objects.count()
    for form in (
        {"action": "bribed", "action_date": "2026-11-20"},
        {"action": "called", "action_date": "2026-13-40"},
        {"action": "called", "action_date": "2999-01-01"},
        {"action": "called", "action_date": "2026-11-20", "follow_up_date": "2026-11-01"},
    ):
        assert client.post(f"/talents/{QIHE[3]}/actions/", form).status_code == 400, form
    assert Action.objects.count() == before


def test_the_weeks_progress_counts_the_top_50_with_an_action(client_as):
    client = client_as("officer_decheng")
    html = client.get("/").content.decode()
    assert "0 / 34" in html  # 40 high/medium, 6 of them stopped paying
    client.post(
        f"/talents/{DECHENG[0]}/actions/", {"action": "called", "action_date": "2026-11-24"}
    )
    client.post(f"/talents/{DECHENG[0]}/actions/", {"action": "note", "action_date": "2026-11-25"})
    client.post(
        f"/talents/{DECHENG[5]}/actions/", {"action": "called", "action_date": "2026-11-24"}
    )
    assert "1 / 34" in client.get("/").content.decode()  # one talent twice; one to verify


def test_the_admin_sees_every_county_side_by_side(client_as):
    admin = client_as("city_admin")
    html = admin.get("/overview/").content.decode()
    assert "齐河县" in html and "德城区" in html and "天衢新区" in html
    both = admin.get("/").content.decode()
    assert QIHE[0] in both and DECHENG[0] in both
    only = admin.get("/", {"county": "decheng"}).content.decode()
    assert DECHENG[0] in only and QIHE[0] not in only
    assert admin.get(f"/talents/{DECHENG[1]}/").status_code == 200
    assert client_as("officer_qihe").get("/overview/").status_code == 404
