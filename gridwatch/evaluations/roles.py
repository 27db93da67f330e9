"""Who works with democratic evaluations (民主测评, R8) and the dual evaluation (双向考评, R17).

- ``MANAGERS`` prepare a campaign, print ballot codes, open and close it and enter paper ballots: the
  community party organisation for its community, and county commission staff (who may do everything).
- ``PUBLISHERS`` publish the results of a closed campaign: county commission staff only.
- ``READERS`` open the campaigns of their jurisdiction: the managers, township commission staff and the
  leading-group office. Results before publication are shown without the cadres a reader is conflicted with
  (回避).
- ``GRADERS`` enter or import the unit's annual grade of their unit's cadres: unit liaisons, and county staff.
- ``DUAL_READERS`` combine and export the dual evaluation for personnel decisions: county commission staff.
Evaluators have no account: they hold a ballot code.
"""

from gridwatch.accounts.roles import Role

MANAGERS = frozenset({Role.COMMUNITY_ORG, Role.COUNTY_STAFF})
PUBLISHERS = frozenset({Role.COUNTY_STAFF})
READERS = MANAGERS | {Role.TOWNSHIP_STAFF, Role.OFFICE}
GRADERS = frozenset({Role.UNIT_LIAISON, Role.COUNTY_STAFF})
DUAL_READERS = frozenset({Role.COUNTY_STAFF})
