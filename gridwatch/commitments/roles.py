"""Who works with commitments (亮承诺、比贡献, R7; ARCHITECTURE.md's roles table).

- The cadre writes, submits and, when returned, corrects their own commitment (``Role.CADRE``).
- ``REVIEWERS`` approve or return it, record the half-year fulfilment meeting and enter the year-end
  rating: the community party organisation of the cadre's supervising grid, and the township and county
  commission staff whose area holds that grid. Each only where the role is held over the cadre's grid
  (``selectors.acts_on``), and never for a cadre they are conflicted with (回避).
- ``LIST_READERS`` open the list of commitments of their jurisdiction: the reviewers, the grid teams, the
  leading-group office, the commission liaisons and the unit liaisons (their unit's cadres only, by scope).
"""

from gridwatch.accounts.roles import GRID_ROLES, Role

REVIEWERS = frozenset({Role.COMMUNITY_ORG, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF})
LIST_READERS = REVIEWERS | GRID_ROLES | {Role.OFFICE, Role.LIAISON, Role.UNIT_LIAISON}
READERS = LIST_READERS | {Role.CADRE}
