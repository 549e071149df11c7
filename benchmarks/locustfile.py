"""Load test: simulated practitioners, MACE chairs and coordinators using the platform together
(search, a child's page, recording a note, the MACE list, a meeting's pack, API reads), against
a production server (gunicorn) on PostgreSQL with a demo data set loaded.

    # a server on the large data set, demo accounts signing in without a second factor:
    MACE_DEMO=1 MACE_DEMO_SKIP_TWO_FACTOR=1 MACE_RATE_LIMIT_SIGN_IN=100000 \\
    MACE_RATE_LIMIT_API=1000000 MACE_DB_STATEMENT_TIMEOUT=5000 DATABASE_URL=postgres://.../large \\
      uv run gunicorn mace.wsgi --bind 127.0.0.1:8000 --workers 4
    # 50 users for 10 minutes, the report on the terminal and in CSV files:
    MACE_DEMO_PASSWORD=... uv run locust -f benchmarks/locustfile.py --headless \\
      --host http://127.0.0.1:8000 -u 50 -r 5 -t 10m --csv var/locust
    # afterwards, the audit is intact:
    DATABASE_URL=... uv run mace verify_audit

The error rate must be 0 (every response as expected, checked below) and the p95 of each
request is reported by locust; docs/performance.md keeps the latest figures. The password is
the demo password (`uv run mace demo_accounts` prints it; or set MACE_DEMO_PASSWORD for both)."""

from __future__ import annotations

import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = os.environ.get("MACE_DEMO_PASSWORD", "")


class Person(HttpUser):
    """One demo account signed in through the sign-in page, working among the children it sees."""

    abstract = True
    wait_time = between(1, 4)
    username = ""
    children: list[dict[str, Any]]

    def on_start(self) -> None:
        page = self.client.get("/sign-in/", name="sign-in page")
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the sign-in page"
        with self.client.post(
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": PASSWORD,
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if "/sign-in/" in response.url:
                response.failure(f"{self.username} could not sign in (set MACE_DEMO_PASSWORD)")
        listed = self.client.get("/api/v1/children", params={"limit": 100}, name="API child list")
        self.children = listed.json()["items"] if listed.ok else []

    def _child(self) -> dict[str, Any] | None:
        return random.choice(self.children) if self.children else None

    @task(5)
    def child_page(self) -> None:
        if child := self._child():
            self.client.get(f"/children/{child['id']}/", name="child page")

    @task(3)
    def search(self) -> None:
        if child := self._child():
            self.client.get("/children/", params={"q": child["surname"][:4]}, name="search")

    @task(2)
    def api_reads(self) -> None:
        self.client.get("/api/v1/children", params={"limit": 50}, name="API child list")
        if child := self._child():
            self.client.get(f"/api/v1/children/{child['id']}/chronology", name="API chronology")

    @task(1)
    def record_a_note(self) -> None:
        child = self._child()
        if child is None:
            return
        url = f"/children/{child['id']}/notes/new/"
        form = self.client.get(url, name="note form")
        token = CSRF.search(form.text)
        if not form.ok or not token:
            return
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "title": "Fictional load-test note",
                "body": "A fictional note written by the load test.",
            },
            name="record a note",
            catch_response=True,
        ) as response:
            if f"/children/{child['id']}/" not in response.url:
                response.failure("the note was not recorded")


class Practitioner(Person):
    weight = 6
    username = "demo.practitioner"

    @task(2)
    def my_work(self) -> None:
        self.client.get("/", name="My work")


class Chair(Person):
    weight = 2
    username = "demo.chair.north"

    @task(3)
    def mace_list(self) -> None:
        self.client.get("/mace/north/", name="MACE list")

    @task(2)
    def meeting_pack(self) -> None:
        meetings = self.client.get("/api/v1/meetings", params={"limit": 5}, name="API meetings")
        if meetings.ok and meetings.json()["items"]:
            meeting = random.choice(meetings.json()["items"])
            self.client.get(f"/meetings/{meeting['id']}/", name="meeting page")


class Coordinator(Chair):
    weight = 2
    username = "demo.coordinator.north"
