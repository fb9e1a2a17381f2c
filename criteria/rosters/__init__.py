"""The rosters that write criteria data: evaluation values (evaluations.py), the catalogue
(catalogue.py) and the commune groups set by province decisions (groups.py). resources.py and
benchmark.py set the first beside django-import-export."""

from . import catalogue, evaluations, groups, recognitions  # noqa: F401  (importing registers)
