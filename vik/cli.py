"""The `vik` console command: Django's manage.py plus VIK's own subcommands.

VIK's subcommands are ordinary management commands (`vik demo`, `vik worker`, `vik territory`);
this wrapper only picks the settings module so that an operator never has to.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vik", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
