"""`make web`, for the demo only: import the demo's lists, one officer per county and an admin.

Prints the made-up accounts' passwords; never use this on real data.
"""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path


def make_demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, role) for demo_<county> officers and demo_admin, passwords fresh."""
    from workspace.accounts import add_user
    from workspace.models import COUNTY_CHOICES

    made = []
    for code, name in COUNTY_CHOICES:
        password = secrets.token_urlsafe(9)
        add_user(f"demo_{code}", code, password)
        made.append((f"demo_{code}", password, name))
    password = secrets.token_urlsafe(9)
    add_user("demo_admin", None, password, admin=True)
    made.append(("demo_admin", password, "全市 (admin)"))
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", type=Path, required=True)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args(argv)
    from pipeline.workspace import import_published

    print(import_published(args.lists, args.data))
    print("\nDemo accounts (demo only; passwords are new each run):")
    for username, password, role in make_demo_accounts():
        print(f"  {username:<18} {password:<14} {role}")
    print("\nOpen http://127.0.0.1:8000/ and log in with one of them.")


if __name__ == "__main__":
    main()
