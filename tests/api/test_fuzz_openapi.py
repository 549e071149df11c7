"""A property-based fuzz of the whole OpenAPI document (schemathesis): every operation, as each
demo role, with generated paths, queries and bodies, must answer no 5xx, only a status the
document declares for it, and a body that matches the declared schema. The app runs in process
(WSGI, no server) on the tiny demo data set, seeded once for the module in a transaction that is
rolled back at the end; each role authenticates with a personal API token, so CSRF is not in play.

Reproducible: derandomised (a fixed seed), a few examples per operation and role, so the run
stays within a few minutes per database on a small machine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from mace.accounts.models import User
from mace.accounts.services import api_token_issue
from mace.api import api
from mace.demo.accounts import demo_accounts_by_role

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,  # type: ignore[attr-defined]
    checks.response_schema_conformance,  # type: ignore[attr-defined]
]
EXAMPLES = 3
ROLES = [role for role, _ in demo_accounts_by_role()]
USERNAMES = dict(demo_accounts_by_role())

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def demo_tokens(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[dict[str, str]]:
    """The tiny demo data set and a personal API token for each role's demo account, in one
    transaction rolled back when the module is done (so the fuzz's writes vanish with it)."""
    from django.conf import settings as django_settings

    var_dir = django_settings.VAR_DIR
    django_settings.VAR_DIR = tmp_path_factory.mktemp("fuzz-var")
    # The WSGI app closes the database connection at the start and end of each request (Django's
    # close_old_connections), which inside the module's transaction would close it for good on
    # PostgreSQL; Django's own test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--scale", "tiny", "--seed", "1", verbosity=0)
            call_command("demo_accounts", verbosity=0)
            tokens = {}
            for role, account in USERNAMES.items():
                user = User.objects.get(username=account.username)
                tokens[role] = api_token_issue(user=user, name="Fuzz")[0]
            yield tokens
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            django_settings.VAR_DIR = var_dir
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.fixture
def _no_rate_limit(settings):  # type: ignore[no-untyped-def]
    settings.MACE_RATE_LIMIT_API = 10**9


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_breaks_for_any_role(case: Any, demo_tokens: dict[str, str]) -> None:
    # Each generated request is sent as every role: one test per operation keeps the run short.
    for role in ROLES:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {demo_tokens[role]}"}, checks=CHECKS
        )


def test_every_schema_in_the_openapi_document_has_a_name_of_its_own() -> None:
    """Two schemas of one name overwrite each other in the document (Ninja names components by
    class), so a route would be documented with another route's answer."""
    from ninja import Schema

    def subclasses(cls: type) -> list[type]:
        return [c for s in cls.__subclasses__() for c in (s, *subclasses(s))]

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("mace.")]
    names = [c.__name__ for c in ours]
    assert sorted({n for n in names if names.count(n) > 1}) == []
