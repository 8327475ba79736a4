"""`photosift text --calibrate-gate` / `--forget-gate`: the quick text check of `index --text`.

The text pass detects text in every photo before reading it (about half a second a photo on a
small CPU). Calibrating measures, on the photos it has already read, whether the library's CLIP
model can tell photos with text from the others from their vectors alone; when it can
(core/library/text_gate.py: `useful`), `photosift index --text` decides from the vectors and
skips the detection. These commands print what was measured and whether it is used.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from photosift.cli.common import db_path, load_model_reporting, print_json

if TYPE_CHECKING:
    from photosift.core.library.text_gate_calibration import GateCalibration


def run_calibrate(args: argparse.Namespace) -> int:
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        model = load_model_reporting(library.store, args.model, ModelUse.QUERY, args.device)
        result = library.calibrate_text_gate(model)
    if args.json:
        print_json(result.to_json())
    else:
        print(describe_calibration(result))
    return 0


def run_forget(args: argparse.Namespace) -> int:
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        spec = library.choose_model(args.model, ModelUse.QUERY).spec
        forgotten = library.forget_text_gate(spec)
    if args.json:
        print_json({"model_spec": spec, "forgotten": forgotten})
    elif forgotten:
        print(
            f"Forgot the quick text check for {spec}; `photosift index --text` detects text again."
        )
    else:
        print(f"The quick text check was not calibrated for {spec}; nothing to forget.")
    return 0


def describe_calibration(result: GateCalibration) -> str:
    head = (
        f"Calibrated the quick text check for {result.model_spec} on {result.with_text} photos "
        f"with words and {result.without_text} without: it keeps {result.recall:.0%} of the "
        f"photos with text and skips {result.skipped:.0%} of the others."
    )
    if result.used:
        verdict = (
            "Used: `photosift index --text` now decides from the photos' vectors which to read, "
            "without detecting text in each one."
        )
    elif result.useful:
        verdict = (
            "Not used: the library searches with another model; calibrate that one (--model SPEC)."
        )
    else:
        verdict = (
            "Not used: it would miss too many photos with text or skip too few others, so "
            "`photosift index --text` keeps detecting text in each photo."
        )
    return f"{head}\n{verdict}"
