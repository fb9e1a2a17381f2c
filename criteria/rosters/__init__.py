"""The rosters that write criteria data: evaluation values (evaluations.py) and the catalogue
(catalogue.py). resources.py and benchmark.py set the first beside django-import-export."""

from . import catalogue, evaluations  # noqa: F401  (importing them registers them)
