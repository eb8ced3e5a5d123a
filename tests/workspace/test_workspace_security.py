"""Permissions, county scoping on every route, CSRF, lockout, idle expiry, hashed passwords."""

from __future__ import annotations

import re

import pytest

from tests.workspace.conftest import PASSWORD
from tests.workspace.lists import talent_ids

QIHE, DECHENG = talent_ids("qihe"), talent_ids("decheng")
# Routes that take no talent: what officer A sees there must hold none of county B's talents.
COUNTY_PAGES = {"list": "/", "ledger": "/ledger/", "overview": "/overview/"}
OUTSIDE_SCOPE = {"login", "logout", "set_language", "health"}  # no county data at all


def every_route():
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern) != "admin/":  # Django admin: staff only, tested below
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield p.name, prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


def test_every_route_as_officer_a_against_county_b_is_404_or_shows_nothing_of_b(client_as):
    from workspace.models import Action

    b_client = client_as("officer_decheng")
    b_client.post(
        f"/talents/{DECHENG[0]}/actions/", {"action": "called", "action_date": "2026-11-24"}
    )
    assert Action.objects.filter(county="decheng").exists()
    a = client_as("officer_qihe")
    walked = set()
    for name, pattern in every_route():
        walked.add(name)
        if "<str:talent_id>" in pattern:
            path = "/" + pattern.replace("<str:talent_id>", DECHENG[0])
            for method in (a.get, a.post):
                response = method(path, {"action": "called", "action_date": "2026-11-24"})
                assert response.status_code in (404, 405), (path, response.status_code)
                if response.status_code == 405:  # wrong method: the right one must 404
                    continue
            right = (
                a.get(path)
                if name == "talent"
                else a.post(path, {"action": "called", "action_date": "2026-11-24"})
            )
            assert right.status_code == 404, (name, path)
        elif name in COUNTY_PAGES:
            response = a.get(COUNTY_PAGES[name], {"county": "decheng"})
            body = response.content.decode()
            assert response.status_code in (200, 404), name
            assert not any(t in body for t in DECHENG), name
        else:
            assert name in OUTSIDE_SCOPE, f"route {name} ({pattern}) is not covered by the walk"
    assert {"talent", "record_action", "reveal_contact", "list", "ledger"} <= walked
    assert not Action.objects.filter(county="decheng", officer__username="officer_qihe").exists()


def test_an_officer_is_no_django_admin_and_the_admin_site_needs_staff(client_as):
    response = client_as("officer_qihe").get("/admin/workspace/action/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client_as("city_admin").get("/admin/workspace/action/").status_code == 200


def test_every_page_needs_a_login(web):
    from django.test import Client

    anonymous = Client()
    for path in ("/", f"/talents/{QIHE[0]}/", "/ledger/", "/overview/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/talents/{QIHE[0]}/contact/").status_code == 302


def test_a_post_without_its_csrf_token_is_refused(client_as):
    from workspace.models import Action, AuditEvent

    client = client_as("officer_qihe", enforce_csrf_checks=True)
    actions, audits = Action.objects.count(), AuditEvent.objects.count()
    assert (
        client.post(
            f"/talents/{QIHE[4]}/actions/", {"action": "called", "action_date": "2026-11-24"}
        ).status_code
        == 403
    )
    assert client.post(f"/talents/{QIHE[4]}/contact/").status_code == 403
    assert (Action.objects.count(), AuditEvent.objects.count()) == (actions, audits)
    page = client.get(f"/talents/{QIHE[4]}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    ok = client.post(
        f"/talents/{QIHE[4]}/actions/",
        {"action": "called", "action_date": "2026-11-24", "csrfmiddlewaretoken": str(token)},
    )
    assert ok.status_code == 302


def test_five_failed_logins_lock_the_account(web):
    from django.test import Client

    from workspace.accounts import add_user

    add_user("officer_locked", "qihe", PASSWORD)
    client = Client()
    for _ in range(5):
        failed = client.post(
            "/accounts/login/", {"username": "officer_locked", "password": "wrong-password"}
        )
        assert failed.status_code in (200, 429)
    locked = client.post("/accounts/login/", {"username": "officer_locked", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    fresh = Client()  # another officer is not locked out by it
    add_user("officer_free", "qihe", PASSWORD)
    assert (
        fresh.post(
            "/accounts/login/", {"username": "officer_free", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_a_session_expires_after_30_idle_minutes(web):
    from django.conf import settings
    from django.test import Client

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_AFTER == 60
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "officer_qihe", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    session = client.session
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    stored = Session.objects.get(session_key=session.session_key)
    stored.expire_date = timezone.now() - timezone.timedelta(seconds=1)  # 30 idle minutes later
    stored.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_request_renews_the_expiry_once_a_minute_not_on_every_page_view(web):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from workspace.middleware import RENEWED

    client = Client()
    client.post("/accounts/login/", {"username": "officer_decheng", "password": PASSWORD})
    assert client.get("/ledger/").status_code == 200  # renewed: the first page after login
    key = client.session.session_key
    with CaptureQueriesContext(connection) as again:
        assert client.get("/ledger/").status_code == 200
    assert not [
        q for q in again.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]
    # Ten idle minutes later (the renewal and the expiry both moved back): the next request renews.
    store = SessionStore(session_key=key)
    store[RENEWED] -= 600
    store.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timezone.timedelta(minutes=20)
    )
    assert client.get("/ledger/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert renewed > timezone.timedelta(minutes=29)


def test_passwords_are_stored_hashed(user):
    stored = user("officer_qihe").password
    assert PASSWORD not in stored and "$" in stored


def test_the_audit_log_cannot_be_changed_or_deleted(client_as):
    from workspace.models import AuditEvent

    client_as("officer_qihe").post(f"/talents/{QIHE[6]}/contact/")
    event = AuditEvent.objects.latest("id")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(event="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
