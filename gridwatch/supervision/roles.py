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

# The supervision register (干部监督工作登记册, R10) and the inspections of grids (督促检查, R22).
#
# - ``REGISTER_WRITERS`` keep the register: the community party organisation for the grids of its
#   community, the grid leader and deputy for their grid. Only the party organisation writes the heading of
#   its own assessment (``REGISTER_ASSESSORS``).
# - ``REGISTER_READERS`` read it: the diary's readers (the register is about cadres, as the diary is).
# - ``INSPECTORS`` record inspections: the leading-group office (county) and the commission liaisons (their
#   townships and their grid); they, or county commission staff, record the follow-up that closes one.
# - ``INSPECTION_READERS``: the inspectors, county and township commission staff of the area, and the grid
#   team of the inspected grid (the corrections are required of them).
REGISTER_WRITERS = frozenset({Role.COMMUNITY_ORG, Role.GRID_LEADER, Role.GRID_DEPUTY})
REGISTER_ASSESSORS = frozenset({Role.COMMUNITY_ORG})
REGISTER_READERS = DIARY_READERS
INSPECTORS = frozenset({Role.OFFICE, Role.LIAISON})
INSPECTION_READERS = INSPECTORS | {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF} | frozenset(GRID_ROLES)

# The four-circles checklist and the supervision cards (R5, R11).
# - ``CARD_WRITERS`` fill the cards: the grid team (supervisors, the deputy and the leader), each only for
#   the cadres supervised in a grid they hold a post in (``card_selectors.may_write``).
# - ``CARD_REVIEWERS`` accept a submitted card or return it: the grid leader of the card's grid.
# - ``CARD_READERS`` read the cards of their areas: as the diary's readers. Unit liaisons and cadres never
#   do (the cards are about cadres), nor the administrators; recusal hides the cards about oneself, a cadre
#   of one's own unit and a declared relation (``card_selectors.cards_for``).
# - ``CHECKLIST_EDITORS`` change the checklist (each edit makes a new version); its readers are the card
#   readers.
CARD_WRITERS = frozenset(GRID_ROLES)
CARD_REVIEWERS = frozenset({Role.GRID_LEADER})
CARD_READERS = DIARY_READERS
CHECKLIST_EDITORS = frozenset({Role.COUNTY_STAFF})
CHECKLIST_READERS = CARD_READERS
