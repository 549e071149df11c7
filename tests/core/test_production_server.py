"""The production web server in the lock file (gunicorn) serves the app: started as an
operator would start it (`gunicorn mace.wsgi`) with production settings, behind a TLS proxy,
on a migrated SQLite database of its own, it answers the sign-in page and its stylesheet."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_WITHIN = 120  # seconds for gunicorn to answer (a loaded CI machine is slow to import)
STOP_WITHIN = 15  # seconds for it to shut down after SIGTERM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], str]:
    # What the TLS proxy in front of it adds (MACE_BEHIND_TLS_PROXY): the request came by HTTPS.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MACE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="mace.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'mace.sqlite3'}",
        MACE_VAR_DIR=str(tmp_path),
        MACE_PRODUCTION="1",
        MACE_SECRET_KEY=secrets.token_urlsafe(50),
        MACE_ALLOWED_HOSTS="127.0.0.1",
        MACE_BEHIND_TLS_PROXY="1",
    )
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    return env


def test_gunicorn_serves_the_sign_in_page_with_production_settings(production_env):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mace.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            assert server.poll() is None, "gunicorn exited: " + server.stdout.read().decode()  # type: ignore[union-attr]
            try:
                status, headers, html = get(f"{base}/sign-in/")
                break
            except OSError:  # refused (not listening yet) or timed out (worker still booting)
                assert time.monotonic() < deadline, f"gunicorn did not answer in {START_WITHIN} s"
                time.sleep(0.1)  # polling for the server to come up
        assert status == 200, html
        assert headers["Server"].startswith("gunicorn")
        assert "<title>Sign in" in html and "MACE" in html
        assert 'name="csrfmiddlewaretoken"' in html
        # Production settings are in force: HSTS and the service's own headers.
        assert "max-age=" in headers["Strict-Transport-Security"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        # The stylesheet the page links to is served by the same process (WhiteNoise).
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', html)
        assert stylesheet, "the sign-in page links no stylesheet"
        css_status, _, css = get(base + stylesheet.group(1))
        assert css_status == 200 and css.strip()
        # An unknown page is the service's own 404, not Django's debug page.
        missing_status, _, missing = get(f"{base}/no-such-page/")
        assert missing_status == 404
        assert "Page not found" in missing and "URLconf" not in missing
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=STOP_WITHIN)
        if server.stdout:
            server.stdout.close()
    assert server.returncode == 0, "gunicorn did not shut down cleanly on SIGTERM"
