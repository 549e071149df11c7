"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against the
real server that pytest-django's live_server runs, and every page visited is audited by axe-core
against the WCAG 2.2 AA rules."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MACE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Flags a headless Chromium needs on a closed network running as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AuditedPage:
    """A page that checks accessibility with axe-core after every navigation it is asked to."""

    def __init__(self, page, base_url: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.base_url = base_url
        self.audited: list[str] = []

    def audit(self) -> None:
        from playwright.sync_api import Error

        # A click that submits a form or follows a link has started a navigation: audit the page
        # it arrives at, not the one it is leaving (whose document may already be gone).
        for attempt in range(3):
            self.page.wait_for_load_state("load")
            try:
                result = self.page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
                )
                break
            except Error as error:
                navigating = "context was destroyed" in str(error) or "documentElement" in str(
                    error
                )
                if not navigating or attempt == 2:
                    raise
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        self.audited.append(self.page.url)
        assert not violations, f"axe-core found violations on {self.page.url}:\n" + "\n".join(
            violations
        )

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.audit()


# The data migrations whose rows a live-server test's flush takes with it: each loader is
# idempotent, so running them again before every browser test puts the data back.
DATA_MIGRATIONS = [
    ("mace.reference.migrations.0002_load_reference_data", "load"),
    ("mace.assessments.migrations.0002_load_instrument", "load"),
    ("mace.missing.migrations.0002_default_repeat_rule", "load_default"),
    ("mace.criteria.migrations.0002_default_criteria", "load"),
    ("mace.referrals.migrations.0002_services", "load"),
]


@pytest.fixture
def reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """A live-server test empties every table when it finishes, taking the data the migrations
    loaded with it (reference data, the assessment instrument, the repeat missing rule, the MACE
    criteria); put it back before each browser test."""
    import importlib

    from django.apps import apps
    from django.core.cache import cache

    for module, loader in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), loader)(apps, None)
    # Rate-limit counters live in the database cache, whose table the flush after a live-server
    # test leaves alone: start each browser test with none.
    cache.clear()


@pytest.fixture
def audited_page(browser, live_server, reference_data) -> Iterator[AuditedPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    # An init script is injected by the browser itself, so the strict CSP need not be loosened.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            csp_errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    yield AuditedPage(page, live_server.url)
    context.close()
    assert not csp_errors, f"The page broke its Content Security Policy: {csp_errors}"


def sign_in(audited: AuditedPage, username: str, password: str) -> None:
    """Sign in as a person does: the password, then, when the platform asks for it, the code
    their authenticator app shows (worked out from the app's secret; the user is given an
    authenticator, as if they had set it up at an earlier sign-in, if they have none)."""
    from mace.accounts.models import User
    from tests.two_factor import authenticator_for, current_code

    page = audited.page
    user = User.objects.get(username=username)
    asks_for_code = _asks_for_second_factor(user)
    if asks_for_code:
        authenticator_for(user)
    audited.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    audited.audit()
    if asks_for_code:
        page.get_by_label("Enter the 6-digit code from your authenticator app").fill(
            current_code(user)
        )
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        audited.audit()


def _asks_for_second_factor(user: object) -> bool:
    from mace.accounts.two_factor import authenticator, two_factor_required

    if settings.MACE_DEMO_SKIP_TWO_FACTOR:
        return False
    return two_factor_required(user) or authenticator(user) is not None  # type: ignore[arg-type]
