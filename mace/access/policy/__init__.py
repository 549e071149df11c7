"""The access policy: the one place that decides who may see and do what.

Every page, API route, export and search asks this package, as `from mace.access import policy`
then `policy.can_view_child(user, child)`; it re-exports every module's public names, so
callers never name a module. Each module answers one question, and its docstring says, in
prose, who sees what:

- roles.py: which roles work with children's case content, and which need a second person to
  approve them;
- criteria.py: each quadrant's MACE list and who sits on its panel;
- children.py: who sees a child's record and who writes about them, break-glass (emergency,
  read-only) access, restricted entries and amendments;
- oversight.py: who reads the audit, reviews break-glass uses and approves powerful roles;
- missing.py: missing episodes, return interviews, the police import and the SSDA903 export;
- intelligence.py: persons of concern, locations, vehicles, phones, accounts and their links;
- assessments.py: risk and vulnerabilities assessments, their sign-off and follow-up;
- meetings.py: MACE meetings, their agenda packs and minutes, and their actions;
- disruption.py: disruption activity and evidence;
- referrals.py: referrals between agencies and services, and who acts on them.

A module imports from the ones above it in this list, never below, so the package loads
without a cycle.
"""

from mace.access.policy.assessments import *  # noqa: F403
from mace.access.policy.children import *  # noqa: F403
from mace.access.policy.criteria import *  # noqa: F403
from mace.access.policy.disruption import *  # noqa: F403
from mace.access.policy.intelligence import *  # noqa: F403
from mace.access.policy.meetings import *  # noqa: F403
from mace.access.policy.missing import *  # noqa: F403
from mace.access.policy.oversight import *  # noqa: F403
from mace.access.policy.referrals import *  # noqa: F403
from mace.access.policy.roles import *  # noqa: F403
