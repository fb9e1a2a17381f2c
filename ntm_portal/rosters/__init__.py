"""The roster engine: reading a workbook (reading.py), what every roster kind shares (base.py),
the marked and template workbooks (workbooks.py), and the flow upload → check → preview →
confirm → summary (services.py, views.py, ntm_portal/tasks.py).

The kinds themselves live with the data they write and register here (registry.py):
villages in communes/rosters.py; evaluation values and the catalogue in criteria/rosters/;
agencies, assignment decisions and assignments, and users in sponsorships/rosters/.
"""

from .registry import import_order, kind_choices, register, roster_for, rosters

__all__ = ["import_order", "kind_choices", "register", "roster_for", "rosters"]
