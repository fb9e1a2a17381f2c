"""The rosters that write sponsorship data: agencies (agencies.py), assignment decisions and
assignments (assignments.py), and users (users.py), whose scopes are places or agencies."""

from . import agencies, assignments, users  # noqa: F401  (importing them registers them)
