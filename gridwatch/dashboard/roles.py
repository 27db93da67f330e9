"""Who works with the analysis pack and the integrity analysis meetings (廉情分析会, R15; ARCHITECTURE.md's
roles table: the leading-group office "holds regular grid integrity analysis meetings").

- ``PACK_READERS`` open the analysis pack (the figures a meeting discusses) and its exports, and read the
  recorded meetings: the leading-group office and county commission staff for their county, township
  commission staff for their township, and the commission liaisons for the townships and the grid they are
  linked to. Every figure is counted from what the reader may see in the list it summarises (jurisdiction
  and recusal): the pack never shows more than those lists do.
- ``RECORDERS`` record a meeting (its figures frozen as they were) and add correction notes to it: the
  office and county commission staff, who hold the meetings.
- Meetings (``selectors.meetings_for``): a county meeting (scope = the county) is read by the county-wide
  readers only (the office, county staff); township staff and the liaisons read the meetings of their own
  townships only. Any other meeting answers 404.
- What a reader's pack counts and which meetings they read come from these roles only
  (``selectors.pack_scope``): a grid-team post, a community role or a unit-liaison unit the same user holds
  elsewhere adds nothing. Each part of the pack is computed only for a reader of the list it summarises
  (the urgent matters' ``monthly.roles.URGENT_READERS``, the cases', cards', diary's, inspections',
  monthly reports' and warning notices' reader roles).

Grid roles, the community party organisation, unit liaisons, cadres and the administrators have no access.
"""

from gridwatch.accounts.roles import Role

RECORDERS = frozenset({Role.OFFICE, Role.COUNTY_STAFF})
PACK_READERS = RECORDERS | {Role.TOWNSHIP_STAFF, Role.LIAISON}
MEETING_READERS = PACK_READERS
