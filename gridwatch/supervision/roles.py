"""Who works with the sentiment diary (民情日记, R14; ARCHITECTURE.md's roles table).

- ``DIARY_WRITERS`` keep it: the grid team (leader, deputy, supervisors), each for the grids they hold a
  post in.
- ``DIARY_READERS`` read the entries of their areas: the grid teams, the community party organisation, the
  township commission staff, the commission liaisons, the county commission staff and the leading-group
  office. Unit liaisons and cadres never read it (the entries are about cadres), nor do the
  administrators (等保 level 3 keeps them out of the content).
- ``DIARY_CONVERTERS`` may turn an entry into a case: beside the entry's author and the grid leader of its
  grid, the township and county commission staff of its area (``selectors.may_convert``).
"""

from gridwatch.accounts.roles import GRID_ROLES, Role

DIARY_WRITERS = frozenset(GRID_ROLES)
DIARY_READERS = DIARY_WRITERS | {
    Role.COMMUNITY_ORG,
    Role.TOWNSHIP_STAFF,
    Role.LIAISON,
    Role.COUNTY_STAFF,
    Role.OFFICE,
}
DIARY_CONVERTERS = DIARY_WRITERS | {Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}
