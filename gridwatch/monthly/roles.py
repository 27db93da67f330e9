"""Who works with the monthly report and urgent matters (R13; ARCHITECTURE.md's roles table).

- ``COMPILERS``: township commission staff write remarks on and submit their township's report.
- ``RECEIVERS``: county commission staff receive a report or return it for correction.
- ``READERS`` read the reports of their areas: those two, the leading-group office and the commission
  liaisons (their townships).
- ``URGENT_REPORTERS`` send urgent matters: township commission staff and grid leaders.
- ``URGENT_READERS`` read them in their areas: those, county commission staff and the leading-group office
  (everything but reporter identity is theirs to see); only county staff acknowledge
  (``URGENT_ACKNOWLEDGERS``).
"""

from gridwatch.accounts.roles import Role

COMPILERS = frozenset({Role.TOWNSHIP_STAFF})
RECEIVERS = frozenset({Role.COUNTY_STAFF})
READERS = frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON})
OVERVIEW_READERS = frozenset({Role.COUNTY_STAFF, Role.OFFICE})
URGENT_REPORTERS = frozenset({Role.TOWNSHIP_STAFF, Role.GRID_LEADER})
URGENT_READERS = frozenset({Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF, Role.GRID_LEADER})
URGENT_ACKNOWLEDGERS = frozenset({Role.COUNTY_STAFF})
