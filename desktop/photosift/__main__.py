"""Allows `python -m photosift`."""

from photosift.cli import entry

if __name__ == "__main__":
    entry()
