"""Who edits the standards and codes of conduct (亮标准, R8).

County commission staff and the leading-group office write them for any area of their county; township
commission staff for their own township and the communities and grids inside it. Each only where the role
is held (``selectors.editor_paths``): a township officer who also sits on a grid team elsewhere edits
nothing there."""

from gridwatch.accounts.roles import Role

EDITORS = frozenset({Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF})
