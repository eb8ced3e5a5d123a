"""Every argument checked before any server, store or data work starts; one line when wrong."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from features.contract import COUNTIES
from pipeline.errors import UsageError

LANGS = ("zh", "en")
FORMATS = ("parquet", "csv", "xlsx")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gbk", "gb18030": "gb18030"}
FRAME_SUFFIXES = (".parquet", ".csv")


def last_monday(today: date | None = None) -> date:
    """The most recent Monday on or before today (the weekly scoring date)."""
    today = today or date.today()
    return today - timedelta(days=today.weekday())


def check_date(value: str | date | None, option: str = "--as-of") -> date:
    """A YYYY-MM-DD (or YYYY/MM/DD) value, or last Monday when absent."""
    if value is None:
        return last_monday()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date (YYYY-MM-DD)") from None


def check_choice(value: str, choices: tuple[str, ...], option: str) -> str:
    """The value when it is one of few choices; else one line listing them."""
    if value not in choices:
        raise UsageError(f"{option}: '{value}' is not one of {', '.join(choices)}")
    return value


def check_county(value: str | None) -> str | None:
    """A county's code from its code or Chinese name (齐河县, 齐河 or qihe); None stays None."""
    if value is None:
        return None
    wanted = value.strip()
    for code, names in COUNTIES.items():
        if wanted.lower() == code or wanted in names:
            return code
    choices = ", ".join(f"{code} ({names[0]})" for code, names in COUNTIES.items())
    raise UsageError(f"--county: '{value}' is not a Dezhou county; one of {choices}")


def check_data(data: Path) -> Path:
    """An extract folder that exists."""
    if not data.exists():
        raise UsageError(f"--data: {data}: no such extract folder")
    if not data.is_dir():
        raise UsageError(f"--data: {data} is a file; give the extract's folder")
    return data


def check_lists(lists: Path) -> Path:
    """A folder of published lists (OUT/<as-of>/risk_list.parquet) that exists."""
    if not lists.is_dir():
        raise UsageError(f"--lists: {lists}: no such folder of published lists")
    return lists


def check_out_folder(out: Path, option: str = "--out") -> Path:
    """A folder that is (or can be created) writable; nothing is created here."""
    existing = _existing_ancestor(out)
    if existing != out and not existing.is_dir():
        raise UsageError(f"{option}: {existing} is a file, so {out} cannot be a folder")
    if existing == out and not out.is_dir():
        raise UsageError(f"{option}: {out} is a file; give a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{option}: {existing} is not writable")
    return out


def check_out_file(out: Path, option: str = "--out") -> Path:
    """A .parquet or .csv file path whose folder is (or can be created) writable."""
    if out.is_dir():
        raise UsageError(f"{option}: {out} is a folder; give a file name ending .parquet or .csv")
    if out.suffix.lower() not in FRAME_SUFFIXES:
        raise UsageError(f"{option}: {out} must end with one of {', '.join(FRAME_SUFFIXES)}")
    check_out_folder(out.parent if str(out.parent) else Path("."), option)
    return out


def check_work(work: Path) -> Path:
    """The working folder: a folder that is (or can be created) writable."""
    return check_out_folder(work, "--work")


def check_variant(variant: str | None) -> None:
    """A simulator variant that can be read: a whole number >= 0 or a JSON file of HazardParams."""
    from synthetic.variants import variant_params

    try:
        variant_params(variant)
    except OSError as err:
        raise UsageError(f"--variant: {variant}: {err.strerror or err}") from None
    except (ValueError, TypeError) as err:  # the messages name the file already
        raise UsageError(f"--variant: {err}") from None


def check_positive(value: int, option: str) -> int:
    """A whole number of at least 1."""
    if value < 1:
        raise UsageError(f"{option}: must be at least 1, got {value}")
    return value


def _existing_ancestor(path: Path) -> Path:
    """The path itself if it exists, else its nearest existing parent."""
    current = path.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current if current != path.absolute() else path
