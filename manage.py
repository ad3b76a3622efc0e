#!/usr/bin/env python
"""Django's command-line utility; `vik` wraps it and is the one to use."""

from vik.cli import main

if __name__ == "__main__":
    main()
