"""The demo's staff: one account per role (the first of each role is the one `demo_accounts`
shows), practitioners in every agency that records concerns in the demo data, the agencies they
work in, who writes each agency's records, and the one password they all share."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from mace.accounts.choices import Role
from mace.accounts.models import RoleAssignment, User
from mace.reference.models import Agency, Quadrant

# --------------------------------------------------------------------------------------------
# Demo passwords
# --------------------------------------------------------------------------------------------

PASSWORD_ENV = "MACE_DEMO_PASSWORD"
PASSWORD_FILENAME = "demo-password"


def demo_password_path() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILENAME


def demo_password() -> str:
    """The password every demo account uses: MACE_DEMO_PASSWORD when set, otherwise one generated
    on first use and kept in var/demo-password (mode 0600) so later runs print the same one."""
    from_env = os.environ.get(PASSWORD_ENV, "").strip()
    if from_env:
        return from_env
    path = demo_password_path()
    if path.exists():
        stored = path.read_text().strip()
        if stored:
            return stored
        path.unlink()  # an empty file (an interrupted write): make a new password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(15)
    try:
        # O_EXCL: when two processes start at once, the second reads the first one's password
        # rather than overwriting it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password


# --------------------------------------------------------------------------------------------
# Demo staff: one account per role (the first of each role is the one demo_accounts shows),
# plus practitioners in every agency that records concerns in the demo data.
# --------------------------------------------------------------------------------------------

CSC = "Essex Children and Families (social care)"
SOUTHEND_CSC = "Southend Children's Services"
THURROCK_CSC = "Thurrock Children's Services"
POLICE = "Essex Police"
HEALTH_MSE = "Mid and South Essex Health Partners"
HEALTH_NEE = "North East Essex Health Partners"
SCHOOLS = "Essex Schools and Inclusion"
YOUTH = "Essex Youth Service"
CARE = "CARE (Children at Risk of Exploitation)"
BASILDON_DC = "Basildon District Council"
COLCHESTER_CSP = "Colchester Community Safety Partnership"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    agency: str | None
    roles: tuple[str, ...]
    quadrant: str | None = None
    is_staff: bool = False


def _user(
    username: str,
    name: str,
    job_title: str,
    agency: str | None,
    role: str,
    quadrant: str | None = None,
    *,
    staff: bool = False,
) -> DemoUser:
    first, last = name.split()
    return DemoUser(username, first, last, job_title, agency, (role,), quadrant, staff)


# The first account holding each role is the one demo_accounts shows for it.
DEMO_USERS: tuple[DemoUser, ...] = (
    _user("demo.practitioner", "Marisol Fenwhistle", "Social worker", CSC, Role.PRACTITIONER),
    _user("demo.manager", "Ottoline Crumblethwaite", "Team manager", CSC, Role.AGENCY_MANAGER),
    _user(
        "demo.chair.north",
        "Peregrine Hollowquill",
        "Detective inspector",
        POLICE,
        Role.MACE_CHAIR,
        "north",
    ),
    _user(
        "demo.coordinator.north",
        "Clementine Wobblestone",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "north",
    ),
    _user("demo.analyst", "Lysander Pondersby", "Intelligence analyst", POLICE, Role.ANALYST),
    _user(
        "demo.district",
        "Araminta Gorsewhistle",
        "Community safety officer",
        BASILDON_DC,
        Role.DISTRICT_OFFICER,
    ),
    _user(
        "demo.board",
        "Thaddeus Marrowbeck",
        "Safeguarding partnership board member",
        CSC,
        Role.BOARD_MEMBER,
    ),
    _user("demo.care", "Saffron Quillfeather", "CARE worker", CARE, Role.SERVICE_WORKER),
    _user(
        "demo.workforce",
        "Evander Thistlewick",
        "Exploitation workforce lead",
        CSC,
        Role.WORKFORCE_LEAD,
    ),
    _user(
        "demo.admin",
        "Persephone Cobblethorpe",
        "System administrator",
        None,
        Role.SYSTEM_ADMIN,
        staff=True,
    ),
    _user(
        "demo.dpo",
        "Octavia Ledgerwood",
        "Information governance and data protection officer",
        CSC,
        Role.DATA_PROTECTION,
    ),
    _user("demo.chair.mid", "Barnaby Nettlewick", "Service manager", CSC, Role.MACE_CHAIR, "mid"),
    _user(
        "demo.chair.south",
        "Calliope Rookhollow",
        "Detective inspector",
        POLICE,
        Role.MACE_CHAIR,
        "south",
    ),
    _user("demo.chair.west", "Crispin Larchmoss", "Service manager", CSC, Role.MACE_CHAIR, "west"),
    _user(
        "demo.coordinator.mid",
        "Ottilie Brambleford",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "mid",
    ),
    _user(
        "demo.coordinator.south",
        "Ignatius Pebblewhistle",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "south",
    ),
    _user(
        "demo.coordinator.west",
        "Seraphina Umberstead",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "west",
    ),
    _user(
        "demo.practitioner.police",
        "Tobiah Quarrendine",
        "Detective constable",
        POLICE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.manager.police",
        "Wilhelmina Sorrelgate",
        "Detective sergeant",
        POLICE,
        Role.AGENCY_MANAGER,
    ),
    _user(
        "demo.practitioner.health",
        "Isolde Yarrowcombe",
        "Named nurse for safeguarding",
        HEALTH_MSE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.health-ne",
        "Fennick Dapplethwaite",
        "School nurse",
        HEALTH_NEE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.education",
        "Briony Kettlewhistle",
        "Designated safeguarding lead",
        SCHOOLS,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.manager.education",
        "Alaric Vetchbottom",
        "Inclusion manager",
        SCHOOLS,
        Role.AGENCY_MANAGER,
    ),
    _user(
        "demo.practitioner.youth",
        "Cosmo Otterfield",
        "Detached youth worker",
        YOUTH,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.southend",
        "Marigold Tansyworth",
        "Social worker",
        SOUTHEND_CSC,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.thurrock",
        "Leopold Wrenshaw",
        "Social worker",
        THURROCK_CSC,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.csp",
        "Honora Juniperdale",
        "Community safety partnership manager",
        COLCHESTER_CSP,
        Role.DISTRICT_OFFICER,
    ),
)
DEMO_USERNAMES = frozenset(u.username for u in DEMO_USERS)

# Who writes the records each agency makes in the demo data.
AUTHOR_FOR_AGENCY = {
    CSC: "demo.practitioner",
    SOUTHEND_CSC: "demo.practitioner.southend",
    THURROCK_CSC: "demo.practitioner.thurrock",
    POLICE: "demo.practitioner.police",
    HEALTH_MSE: "demo.practitioner.health",
    HEALTH_NEE: "demo.practitioner.health-ne",
    SCHOOLS: "demo.practitioner.education",
    YOUTH: "demo.practitioner.youth",
    CARE: "demo.care",
}


def demo_accounts_by_role() -> list[tuple[str, DemoUser]]:
    """One demo account per role, in the order roles are declared: the first account holding it."""
    accounts = []
    for role in Role:
        user = next(u for u in DEMO_USERS if role in u.roles)
        accounts.append((role.value, user))
    return accounts


def sync_demo_passwords(password: str) -> int:
    """Give the demo accounts `password` if they do not already have it (MACE_DEMO_PASSWORD may
    have changed since they were made). Returns how many accounts were changed."""
    users = list(User.objects.filter(username__in=DEMO_USERNAMES))
    if not users or all(u.check_password(password) for u in users[:1]):
        return 0
    encoded = make_password(password)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=encoded)
    return len(users)


def users_create(
    *, agencies: dict[str, Agency], quadrants: dict[str, Quadrant], password: str
) -> dict[str, User]:
    """Make the demo staff with their roles, the demo administrators in the "System
    administrators" group. Returns them by username."""
    # One password hash for all (hashing is deliberately slow); saved one by one so their
    # change history starts.
    encoded = make_password(password)
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.invalid",
            job_title=spec.job_title,
            agency=agencies[spec.agency] if spec.agency else None,
            quadrant=quadrants.get(spec.quadrant) if spec.quadrant else None,
            is_staff=spec.is_staff,
            password=encoded,
        )
        user.save()
        for role in spec.roles:
            RoleAssignment.objects.create(user=user, role=role)
        users[spec.username] = user
    admins, _ = Group.objects.get_or_create(name="System administrators")
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["reference", "accounts"])
    )
    for spec in DEMO_USERS:
        if Role.SYSTEM_ADMIN in spec.roles:
            users[spec.username].groups.add(admins)
    return users


# --------------------------------------------------------------------------------------------
# What `mace demo_accounts` prints
# --------------------------------------------------------------------------------------------


def demo_users() -> dict[str, User]:
    """The demo accounts that exist (of those `demo_accounts` shows), by username."""
    wanted = [spec.username for _, spec in demo_accounts_by_role()]
    return {
        u.username: u
        for u in User.objects.filter(username__in=wanted)
        .select_related("agency", "quadrant")
        .prefetch_related("role_assignments")
    }


def demo_accounts(users: dict[str, User], password: str) -> list[dict[str, Any]]:
    """One demo account per role, as `demo_accounts` lists them: username, password, roles,
    agency, quadrant."""
    accounts = []
    for _role, spec in demo_accounts_by_role():
        user = users.get(spec.username)
        if user is None:
            continue
        roles = sorted((ra.role for ra in user.role_assignments.all()), key=list(Role.values).index)
        accounts.append(
            {
                "username": user.username,
                "password": password,
                "roles": roles,
                "agency": user.agency.name if user.agency else None,
                "quadrant": user.quadrant.name if user.quadrant else None,
            }
        )
    return accounts


def demo_accounts_table(accounts: list[dict[str, Any]]) -> list[str]:
    """The accounts as the lines of a plain-text table, with its title."""
    labels = dict(Role.choices)
    rows = [
        [
            a["username"],
            a["password"],
            ", ".join(str(labels[r]) for r in a["roles"]),
            a["agency"] or "—",
            a["quadrant"] or "—",
        ]
        for a in accounts
    ]
    header = ["Username", "Password", "Roles", "Agency", "Quadrant"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [
        "Demo accounts (synthetic data only), one per role:",
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows),
    ]
