"""The script PyInstaller freezes: the same `photosift` command that `pip install .` creates.

With no arguments it opens the app (what a double-click does); with a subcommand it runs
headless, so the bundle doubles as the CLI.
"""

from __future__ import annotations

import multiprocessing

from photosift.cli import entry

if __name__ == "__main__":
    # A frozen app has no Python to start worker processes with: the bundle re-runs itself,
    # and this call turns such a re-run into the worker instead of a second app.
    multiprocessing.freeze_support()
    entry()
