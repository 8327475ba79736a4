"""Type-check the faces (GUI and CLI) with a ratchet: the error count may only go down.

The core and the service must type-check cleanly (plain `mypy`, configured in pyproject.toml).
The faces lean on PySide6's loose stubs and are brought up to that bar step by step: this
script counts their mypy errors and fails when the count rises above the one recorded in
`.ci/mypy-faces-baseline`. When it falls, lower the recorded number in the same change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-faces-baseline"


def main() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "desktop/photosift/gui", "desktop/photosift/cli"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Found (\d+) errors?", result.stdout)
    count = int(found.group(1)) if found else 0
    if not found and "Success" not in result.stdout:
        print(result.stdout + result.stderr)
        print("mypy ratchet: mypy did not run")
        return 1
    allowed = int(BASELINE.read_text().split()[0])
    if count > allowed:
        print(result.stdout)
        print(f"mypy ratchet: {count} errors in the GUI and CLI, more than the {allowed} recorded")
        return 1
    note = f" (lower {BASELINE.name} to {count})" if count < allowed else ""
    print(f"mypy ratchet: {count} errors in the GUI and CLI, at most {allowed} allowed{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
