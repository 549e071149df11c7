"""`mace` on the command line: Django's management commands for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mace", *sys.argv[1:]])


if __name__ == "__main__":
    main()
