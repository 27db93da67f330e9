"""Who works with reports (ARCHITECTURE.md).

- ``CASE_STAFF`` take reports in and talk with reporters: county and township commission staff and the grid
  teams.
- ``CASE_DECIDERS`` triage, route, dispose, verify and conclude: county and township commission staff.
- ``CASE_READERS`` see the cases of their areas: the case staff, the leading-group office (everything but the
  reporter's identity) and the commission liaisons (their townships and grid), who read but do not handle.
"""

from gridwatch.accounts.roles import GRID_ROLES, Role

CASE_STAFF = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF} | GRID_ROLES)
CASE_DECIDERS = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
CASE_READERS = CASE_STAFF | {Role.OFFICE, Role.LIAISON}
