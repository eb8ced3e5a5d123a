"""Personal data reaches only the officers' workbook and the contacts table it is joined from."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import re
import socket
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass

import polars as pl
import pytest

AS_OF = "2026-11-23"
TALENTS, SEED = 800, 5

@dataclass(frozen=True)
class Pii:
    """Every id_number, name and phone value of an extract."""

    numbers: frozenset[str]  # id numbers and phones
    names: frozenset[str]


def read_pii(talents: pl.DataFrame) -> Pii:
    numbers = set(talents["id_number"].drop_nulls()) | set(talents["phone"].drop_nulls())
    return Pii(frozenset(numbers), frozenset(talents["name"].drop_nulls()))


def windows(run: str, widths: tuple[int, ...]):
    for width in widths:
        for i in range(len(run) - width + 1):
            yield run[i : i + width]


def find_in_text(text: str, pii: Pii) -> set[str]:
    """PII values in a text: digit runs checked at every offset, CJK runs (also JSON-escaped) too."""
    found = {w for run in re.findall(r"[0-9]{11,}[Xx]?", text) for w in windows(run, (11, 18))}
    runs = re.findall(r"[\u3400-\u9fff]{2,}", text)
    for escaped in re.findall(r"(?:\\u[0-9a-fA-F]{4}){2,}", text):
        runs.append(escaped.encode("ascii").decode("unicode_escape"))
    found |= {w for run in runs for w in windows(run, (2, 3))}
    return found & (pii.numbers | pii.names)


def find_in_bytes(data: bytes, pii: Pii) -> set[str]:
    """PII in a file's bytes and in what they decode to: Parquet values, zip members, gzip."""
    found = find_in_text(data.decode("utf-8", errors="replace"), pii)
    if data[:4] == b"PAR1":
        frame = pl.read_parquet(io.BytesIO(data))
        text = frame.select(pl.all().cast(pl.String)).write_csv()
        found |= find_in_text(text, pii)
    elif data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                found |= find_in_bytes(archive.read(member), pii)
    elif data[:2] == b"\x1f\x8b":
        found |= find_in_bytes(gzip.decompress(data), pii)
    return found


def test_the_scan_sees_through_json_escapes_parquet_zip_and_gzip():
    pii = Pii(frozenset({"13912345678", "37140219900101001X"}), frozenset({"王芳", "李建国"}))
    assert find_in_bytes(b'{"n": "\\u674e\\u5efa\\u56fd"} x13912345678.0', pii) == {
        "李建国",
        "13912345678",
    }
    frame = pl.DataFrame({"id": ["37140219900101001X"], "n": ["王芳"]})
    parquet = io.BytesIO()
    frame.write_parquet(parquet, compression="zstd")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("sheet.xml", "<t>王芳</t>".encode())
    assert find_in_bytes(parquet.getvalue(), pii) == {"37140219900101001X", "王芳"}
    assert find_in_bytes(archive.getvalue(), pii) == {"王芳"}
    assert find_in_bytes(gzip.compress("王芳".encode()), pii) == {"王芳"}
    assert find_in_bytes("德城区 王 芳 139123456789".encode(), pii) == {"13912345678"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def written(tmp_path_factory) -> dict:
    """Ingest, features, train and score (with and without contacts) as the CLI does, logs kept.

    Session-scoped: an xdist worker may tear a module fixture down between two of the module's
    tests and build it again (seen: twice, 520 s each, in one run).
    """
    from flows.deploy import start_server
    from pipeline.extract import simulate_registry

    root = tmp_path_factory.mktemp("privacy")
    registry = root / "registry"
    simulate_registry(registry, TALENTS, SEED, dt.date.fromisoformat(AS_OF))
    talents = pl.read_parquet(registry / "talents.parquet")
    bad_id = talents["id_number"][0][:-1] + ("0" if talents["id_number"][0][-1] != "0" else "1")
    talents = talents.with_columns(id_number=pl.Series([bad_id, *talents["id_number"][1:]]))
    talents.write_parquet(registry / "talents.parquet")  # one row quarantined: its PII too
    for name in ("prefect", "home", "tmp", "logs", "mlruns"):
        (root / name).mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(root / "prefect"))
        server, api = start_server(free_port(), wait_seconds=600)
    env = {
        **os.environ,
        "HOME": str(root / "home"),
        "TMPDIR": str(root / "tmp"),
        "PREFECT_HOME": str(root / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_LOGGING_LEVEL": "INFO",
        "MLFLOW_TRACKING_URI": f"sqlite:///{root / 'mlruns' / 'mlflow.db'}",
        "RETENTION_WORK_DIR": str(root / "work"),
    }
    data = ["--data", str(registry)]
    steps = {
        "ingest": ["ingest", *data],
        "features": ["features", *data, "--as-of", AS_OF, "--out", str(root / "features.parquet")],
        "train": ["train", *data, "--as-of", AS_OF, "--no-floors"],  # 800 talents
        "score": ["score", *data, "--as-of", AS_OF, "--out", str(root / "lists")],
        "score_no_contacts": [
            *["score", *data, "--as-of", AS_OF, "--out", str(root / "lists_plain")],
            "--no-contacts",
        ],
    }
    try:
        for name, args in steps.items():
            with (
                open(root / "logs" / f"{name}.out", "wb") as out,
                open(root / "logs" / f"{name}.err", "wb") as err,
            ):
                code = subprocess.call(
                    [sys.executable, "-m", "flows.cli", *args],
                    env=env,
                    cwd=root / "home",
                    stdout=out,
                    stderr=err,
                    timeout=900,
                )
            assert code == 0, (root / "logs" / f"{name}.err").read_text()[-3000:]
    finally:
        server.terminate()
        server.wait(timeout=60)
    (contacts,) = (root / "work").glob("ingest/*/contacts.parquet")
    return {
        "root": root,
        "pii": read_pii(talents),
        "contacts": contacts,
        "workbook": root / "lists" / AS_OF / "risk_list.xlsx",
        "risk_list": root / "lists" / AS_OF / "risk_list.parquet",
    }


@pytest.mark.slow
def test_nothing_but_the_workbook_and_contacts_holds_personal_data(written):
    root, pii = written["root"], written["pii"]
    allowed = {written["contacts"], written["workbook"]}
    scanned, leaks = [], {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path in allowed or path.is_relative_to(root / "registry"):
            continue
        scanned.append(path.relative_to(root).as_posix())
        if found := find_in_bytes(path.read_bytes(), pii):
            leaks[scanned[-1]] = sorted(found)[:5]
    assert leaks == {}
    must_scan = [
        "features.parquet",
        "mlruns/mlflow.db",
        "prefect/prefect.db",
        "logs/train.err",
        "logs/score.err",
        f"lists/{AS_OF}/risk_list.parquet",
        f"lists/{AS_OF}/risk_list.csv",
        f"lists/{AS_OF}/changes.csv",
        f"lists/{AS_OF}/report.html",
        f"lists_plain/{AS_OF}/risk_list.xlsx",
    ]
    assert set(must_scan) <= set(scanned)
    artifacts = [s for s in scanned if s.startswith("mlruns/artifacts/")]
    for name in ("MLmodel", "input_example.json", "python_model.pkl", "features.json"):
        assert any(s.endswith(f"/{name}") for s in artifacts), name
    assert any(s.startswith("work/ingest/") and s.endswith("quarantine.csv") for s in scanned)


@pytest.mark.slow
def test_the_workbook_holds_the_contacts_of_exactly_the_listed_talents(written):
    pii = written["pii"]
    contacts = pl.read_parquet(written["contacts"])
    listed = pl.read_parquet(written["risk_list"]).filter(
        pl.col("risk_tier").is_in(["high", "medium"])
    )
    assert 0 < listed.height < contacts.height
    expected = contacts.join(listed.select("talent_id"), on="talent_id", how="semi")
    found = find_in_bytes(written["workbook"].read_bytes(), pii)
    numbers = set(expected["id_number"].drop_nulls()) | set(expected["phone"].drop_nulls())
    assert found & pii.numbers == numbers
    assert set(expected["name"].drop_nulls()) <= found


@pytest.mark.slow
def test_files_holding_contacts_are_readable_by_their_owner_only(written):
    for path in (written["contacts"], written["workbook"]):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert find_in_bytes(written["contacts"].read_bytes(), written["pii"])
