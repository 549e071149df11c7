"""The database settings the project ships on PostgreSQL: JIT compilation off for every
connection, and a statement timeout when MACE_DB_STATEMENT_TIMEOUT is set (the app servers)."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection


@pytest.fixture
def postgresql(db):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("JIT and statement timeouts are PostgreSQL settings")


def _show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return str(cursor.fetchone()[0])


def test_jit_is_off_and_no_timeout_unless_asked(postgresql):
    assert _show("jit") == "off"
    assert _show("statement_timeout") == "0"


def test_the_app_servers_timeout_comes_from_the_environment(postgresql):
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    url = (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
        "    c.execute('SHOW jit'); print(c.fetchone()[0])\n"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "mace.settings",
        "DATABASE_URL": url,
        "MACE_DB_STATEMENT_TIMEOUT": "4500",
    }
    shown = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["4500ms", "off"]
