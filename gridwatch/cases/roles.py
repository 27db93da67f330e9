"""Who handles reports: county and township commission staff and the grid teams (ARCHITECTURE.md)."""

from gridwatch.accounts.roles import GRID_ROLES, Role

CASE_STAFF = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF} | GRID_ROLES)
