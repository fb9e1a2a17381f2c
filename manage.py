#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    from ntm_portal.cli import run

    run(sys.argv)


if __name__ == "__main__":
    main()
