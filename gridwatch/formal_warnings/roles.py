"""Who works with warning notices (预警书, R15; ARCHITECTURE.md's roles table, flow 2 "Warning ladder").

- ``ISSUERS``: the leading-group office and county commission staff. They work the queue of proposals (a
  substantiated or partly substantiated finding proposed for a notice), issue a notice or decline the
  proposal, record the public notification and accountability (通报并追究责任) at the fifth notice, and
  decide appeals. Each only where the role is held over the cadre's supervising grid
  (``selectors.issues_for``), never for a cadre they are conflicted with (回避).
- ``READERS`` open the list and the page of a notice: the issuers, township commission staff (their
  township) and commission liaisons (their areas) by area, and unit liaisons by unit: the notices issued to
  their unit's cadres, whose warning education (警告教育) and the "number one"'s written explanation
  (书面说明) the unit liaison records (the issuers may record them too: a unit without a liaison's
  account, an explanation handed in at the commission).
- The cadre (``Role.CADRE``) reads only their own notices, on their own pages: they acknowledge (签收) and
  may appeal (申诉) once.

Grid roles, the community party organisation and the administrators have no access.
"""

from gridwatch.accounts.roles import Role

ISSUERS = frozenset({Role.OFFICE, Role.COUNTY_STAFF})
READERS = ISSUERS | {Role.TOWNSHIP_STAFF, Role.LIAISON, Role.UNIT_LIAISON}
# Who records each kind of follow-up: the unit (its liaisons) or the county side (the issuers).
RECORDERS = ISSUERS | {Role.UNIT_LIAISON}
