"""The `vik` console command: Django's manage.py plus VIK's own subcommands.

VIK's subcommands are ordinary management commands (`vik demo`, `vik worker`, `vik territory`);
this wrapper only picks the settings module so that an operator never has to.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import execute_from_command_line

DEMO_NOT_INSTALLED = (
    "vik demo: the demo is not installed under these settings (production leaves it out). "
    "Run it with DJANGO_SETTINGS_MODULE=config.settings.dev, as `make demo` does, "
    "or with VIK_DEMO_ENABLED=true."
)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    args = argv if argv is not None else sys.argv[1:]
    settings_given = any(arg.startswith("--settings") for arg in args)
    if args[:1] == ["demo"] and not settings_given and "vik.demo" not in settings.INSTALLED_APPS:
        sys.exit(DEMO_NOT_INSTALLED)
    execute_from_command_line(["vik", *args])


if __name__ == "__main__":
    main()
