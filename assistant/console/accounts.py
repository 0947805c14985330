"""Staff accounts: a name, a role and an argon2 hash of the password, in the content database.

Why argon2 (argon2-cffi): a well-kept, memory-hard password hash; the hash carries its own parameters, so they can
be raised later and old hashes re-hashed at the next sign-in. ``make staff-user ARGS="USERNAME ROLE"`` creates or
resets an account, reading the password from standard input (never from the command line, which ``ps`` shows).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.console import ROLES
from assistant.settings import settings

MIN_PASSWORD_LENGTH = 12
_metadata = sa.MetaData()
accounts_table = sa.Table(
    "console_accounts",
    _metadata,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=False),
)
_hasher = PasswordHasher()
# A hash to verify against when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A name, role or password the console cannot accept (the message says why, in plain words)."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str


@lru_cache(maxsize=8)
def engine(url: str = "") -> sa.engine.Engine:
    """The content database (``content_db_url``), with the accounts table created if missing."""
    created = sa.create_engine(url or settings().content_db_url, pool_pre_ping=True, future=True)
    _metadata.create_all(created)
    return created


def _valid(username: str, role: str, password: str) -> str:
    name = username.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise AccountError("the username must be one word of at most 100 characters")
    if role not in ROLES:
        raise AccountError(f"the role must be one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return name


def save_account(username: str, role: str, password: str, url: str = "") -> Account:
    """Create the account, or reset its role and password when it exists."""
    name = _valid(username, role, password)
    hashed = _hasher.hash(password)
    with engine(url).begin() as connection:
        found = connection.execute(sa.select(accounts_table.c.username).where(accounts_table.c.username == name))
        if found.first() is None:
            connection.execute(accounts_table.insert().values(username=name, role=role, password_hash=hashed))
        else:
            connection.execute(
                accounts_table.update().where(accounts_table.c.username == name).values(role=role, password_hash=hashed)
            )
    return Account(name, role)


def verify(username: str, password: str, url: str = "") -> Optional[Account]:
    """The account when the password is right, else None (as slowly for an unknown name as for a wrong password)."""
    with engine(url).connect() as connection:
        row = connection.execute(sa.select(accounts_table).where(accounts_table.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        save_account(row.username, row.role, password, url)
    return Account(row.username, row.role)


def find(username: str, url: str = "") -> Optional[Account]:
    with engine(url).connect() as connection:
        row = connection.execute(sa.select(accounts_table).where(accounts_table.c.username == username)).first()
    return Account(row.username, row.role) if row else None


def listing(url: str = "") -> List[Account]:
    with engine(url).connect() as connection:
        rows = connection.execute(sa.select(accounts_table).order_by(accounts_table.c.username))
        return [Account(r.username, r.role) for r in rows]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make staff-user", description="Create or reset a staff account; the password is read from stdin."
    )
    parser.add_argument("username")
    parser.add_argument("role", nargs="+", help=" | ".join(ROLES))
    args = parser.parse_args(argv)
    role = " ".join(args.role).replace("_", " ").replace("-", " ")  # "clinical_reviewer" too
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("The two passwords differ: nothing changed.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        account = save_account(args.username, role, password)
    except AccountError as error:
        print(f"Not saved: {error}.", file=sys.stderr)
        return 1
    print(f"Account {account.username} ({account.role}) saved.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
