"""Contacts live in one table of the web database: no other table, log or file holds them."""

from __future__ import annotations

import sqlite3

import polars as pl
import pytest

from tests.flows.test_flows_privacy import find_in_bytes, find_in_text, read_pii
from tests.workspace import lists

CONTACT_TABLE = "workspace_contact"


def table_texts():
    """Every table of the workspace database but the contacts table, as text, by name."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == CONTACT_TABLE:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            yield table, "\n".join("\t".join(map(str, row)) for row in cursor.fetchall())


def test_no_table_but_contacts_and_no_log_holds_personal_data(web, client_as):
    from workspace.models import Contact

    pii = read_pii(lists.contacts())
    qihe = client_as("officer_qihe")
    talent = lists.talent_ids("qihe")[20]
    assert "13900000020" in qihe.post(f"/talents/{talent}/contact/").content.decode()
    qihe.post(
        f"/talents/{talent}/actions/",
        {"action": "called", "action_date": "2026-11-24", "note": "已联系"},
    )
    leaks = {
        table: sorted(found)[:3]
        for table, text in table_texts()
        if (found := find_in_text(text, pii))
    }
    assert leaks == {}
    assert Contact.objects.count() >= 120  # the scan had something to find: it is all in one table
    stored = pl.DataFrame(list(Contact.objects.values("name", "phone")))
    assert find_in_text(stored.write_csv(), pii)
    files = [p for p in web["root"].rglob("*") if p.is_file() and ".sqlite3" not in p.name]
    file_leaks = {p.name: sorted(f)[:3] for p in files if (f := find_in_bytes(p.read_bytes(), pii))}
    assert file_leaks == {}
    assert any(p.suffix == ".parquet" for p in files)  # the published lists were scanned too


def test_the_sqlite_file_holds_contacts_only_in_the_contacts_table(web):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite file check; the table scan above covers PostgreSQL")
    pii = read_pii(lists.contacts())
    db = connection.settings_dict["NAME"]
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        assert CONTACT_TABLE in names
        others = [
            "\n".join(map(str, conn.execute(f'select * from "{n}"').fetchall()))
            for n in names
            if n != CONTACT_TABLE
        ]
    assert not find_in_text("\n".join(others), pii)
