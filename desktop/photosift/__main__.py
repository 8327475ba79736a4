"""Allows `python -m photosift`."""

import sys

from photosift.cli import main

if __name__ == "__main__":
    sys.exit(main())
