"""A read-only database role for BI tools (PostgreSQL).

The role may read the BI views and nothing else: USAGE on the warehouse's schema,
SELECT on every view of schemas/views.py, no right on any table. It is recorded in
`bi_grants`, so views recreated by later runs (or added by an upgrade) are granted to
it again (schemas/views.py create_views). SQLite has no roles: a BI user gets read
access to the file, or not, through the file system.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from sqlalchemy import Engine, String, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection

from virage.errors import ConfigError
from virage.schemas.views import VIEWS, bi_grants, grant_views
from virage.schemas.warehouse import metadata

ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
"""An unquoted PostgreSQL identifier (63 bytes at most): letters, digits, underscores."""


@dataclass(frozen=True)
class Granted:
    """What grant_bi did."""

    role: str
    created: bool
    login: bool
    views: tuple[str, ...]
    schema: str


def check_role_name(role: str) -> str:
    """`role` when it is a plain identifier; ConfigError otherwise (it is quoted in SQL
    anyway, but a name like `x; DROP TABLE posts` is a mistake to refuse, not a name)."""
    if not ROLE_NAME.fullmatch(role):
        raise ConfigError(
            f"role name {role!r} is not valid: use 1 to 63 letters, digits or underscores, "
            "not starting with a digit"
        )
    return role


def password_from_env(variable: str | None) -> str | None:
    """The password held by environment variable `variable` (never a command-line
    value, which other users of the machine could read in the process list)."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise ConfigError(f"environment variable {variable} (--password-env) is not set or empty")
    return value


def require_postgresql(engine: Engine) -> None:
    """ConfigError unless the warehouse is PostgreSQL: SQLite has no roles."""
    if engine.dialect.name != "postgresql":
        raise ConfigError(
            f"grant-bi needs PostgreSQL; this warehouse is {engine.dialect.name}, which has "
            "no roles: give BI users read-only access to the database file through file "
            "permissions (and open it read-only in the BI tool)"
        )


def grant_bi(
    engine: Engine, role: str, login: bool = False, password: str | None = None
) -> Granted:
    """Create `role` if missing (NOLOGIN unless `login`) and make it a reader of the BI
    views only: every right it held on our tables is revoked, then USAGE on the schema
    and SELECT on the views are granted, and the role is recorded in bi_grants. The
    warehouse must have been opened (tables and views created) first."""
    check_role_name(role)
    require_postgresql(engine)
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        found = conn.execute(
            text("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = :role"), {"role": role}
        ).first()
        if found is not None:
            _refuse_privileged(conn, role, bool(found.rolsuper))
        literal = String().literal_processor(conn.dialect)
        # CREATE/ALTER ROLE take no bind parameters: the password goes as an escaped literal.
        secret = f" PASSWORD {literal(password)}" if password is not None else ""
        if found is None:
            can_login = "LOGIN" if login else "NOLOGIN"
            conn.exec_driver_sql(f"CREATE ROLE {quote(role)} {can_login}{secret}")
        elif login or password is not None:
            conn.exec_driver_sql(f"ALTER ROLE {quote(role)}{' LOGIN' if login else ''}{secret}")
        ours = [*(t.name for t in metadata.sorted_tables), bi_grants.name, *VIEWS]
        present = set(
            conn.exec_driver_sql(
                "SELECT c.relname FROM pg_catalog.pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace"
            ).scalars()
        )
        names = ", ".join(quote(name) for name in ours if name in present)
        conn.exec_driver_sql(f"REVOKE ALL ON {names} FROM {quote(role)}")
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {quote(database)} TO {quote(role)}")
        grant_views(conn, role)
        now = dt.datetime.now(dt.UTC)
        record = insert(bi_grants).values(role=role, granted_at=now)
        conn.execute(
            record.on_conflict_do_update(index_elements=["role"], set_={"granted_at": now})
        )
        can = conn.execute(
            text("SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = :role"),
            {"role": role},
        ).scalar_one()
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    return Granted(role, found is None, bool(can), tuple(VIEWS), schema)


def _refuse_privileged(conn: Connection, role: str, superuser: bool) -> None:
    """A superuser reads and writes everything whatever we grant, and revoking the
    owner's rights on our tables would stop the pipeline: neither can be a BI role."""
    if superuser:
        raise ConfigError(
            f"role {role} is a superuser, which can write every table whatever is granted: "
            "choose a dedicated role for BI"
        )
    owners = conn.execute(
        text(
            "SELECT DISTINCT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(:names)"
        ),
        {"names": [t.name for t in metadata.sorted_tables]},
    ).scalars()
    for owner in owners:
        member = conn.execute(
            text("SELECT pg_catalog.pg_has_role(:role, :owner, 'MEMBER')"),
            {"role": role, "owner": owner},
        ).scalar_one()
        if member:
            raise ConfigError(
                f"role {role} is (or is a member of) {owner}, which owns the warehouse "
                "tables and can write them: choose a dedicated role for BI"
            )
