"""Text in photos: OCR accuracy, text-search precision/recall, the gate's recall and cost.

    python -m tests.benchmarks.text                          # 10 English, 10 Chinese, 20 plain
    python -m tests.benchmarks.text --english 4 --chinese 4 --plain 8
    python -m tests.benchmarks.text --clip-gate               # also the CLIP gate

Generated photos (tests/textphotos.py: words on a light panel, rotated up to 6°, on a busy
background, 640x480 to 1024x768) are indexed with the toy CLIP model, then read twice by the
real PP-OCRv4 models: once with the gate (reduced-size detection first) and once without, so
the gate's recall and the cost per photo with and without it come from the same photos.

- character accuracy: drawn characters found in order in the reading (tests/textphotos.py).
- text-search precision/recall: `text:WORD` for every drawn word, against the photos it was
  drawn in.
- gate recall: photos with text that the gate let through to the reader.

With --clip-gate, a third copy is read with the CLIP gate (core/library/text_gate.py),
calibrated on every other photo of each kind (at --clip-recall) and judged on the others: its
recall and the share of photos without text it lets through, held out, and its cost per photo.
The toy model has never seen text, so its figures show the mechanism and its cost, not what a
pretrained model's gate would keep.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from photosift.core.imaging.decode import decode_image
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.library.text_gate import calibrate_clip_gate
from photosift.core.library.text_pass import READ_SIDE, Gate, read_text_pass
from photosift.core.library.text_records import TextState
from photosift.core.model.loader import load_model
from photosift.core.model.ocr import TextReader
from photosift.core.search.engine import SearchEngine
from tests.textphotos import TextPhoto, char_accuracy, write_text_photos
from tests.toyworld import build_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--english", type=int, default=10)
    parser.add_argument("--chinese", type=int, default=10)
    parser.add_argument("--plain", type=int, default=20)
    parser.add_argument("--clip-gate", action="store_true", help="also read with the CLIP gate")
    parser.add_argument("--clip-recall", type=float, default=0.95)
    args = parser.parse_args()
    model = load_model(f"local-dir:{build_model()}", device="cpu")
    reader = TextReader()
    reader.read(_blank())  # loads every model before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        photos = write_text_photos(
            base / "photos", english=args.english, chinese=args.chinese, plain=args.plain
        )
        gated, ungated = base / "gated.sqlite3", base / "ungated.sqlite3"
        with Store(gated) as store:
            index_library(store, model, [base / "photos"], workers=2)
        shutil.copy(gated, ungated)
        clip = base / "clip.sqlite3"
        if args.clip_gate:
            shutil.copy(gated, clip)
        print(f"{len(photos)} photos: {args.english} English, {args.chinese} Chinese, "
              f"{args.plain} without text")  # fmt: skip
        for db, gate in ((gated, Gate.DETECT), (ungated, Gate.NONE)):
            with Store(db) as store:
                summary = read_text_pass(store, reader, gate=gate)
            print(f"gate {gate.value:>6}: {summary.seconds / len(photos):.2f} s per photo "
                  f"({summary.read} read, {summary.gated_out} gated out)")  # fmt: skip
        if args.clip_gate:
            clip_gate(clip, photos, model, reader, args.clip_recall)
        report(gated, photos, model, "with the gate")
        report(ungated, photos, model, "without the gate")
        if args.clip_gate:
            report(clip, photos, model, "with the CLIP gate")


def clip_gate(db: Path, photos: list[TextPhoto], model, reader, recall: float) -> None:  # type: ignore[no-untyped-def]
    """Calibrate on every other photo of each kind, read all, judge on the held-out ones."""
    import time

    with Store(db) as store:
        ids = {store.photo_id_at(p.path): p for p in photos}
        text = [i for i, p in ids.items() if p.words]
        plain = [i for i, p in ids.items() if not p.words]
        started = time.monotonic()
        gate = calibrate_clip_gate(store, model, text[::2], plain[::2], recall=recall)
        calibrated = time.monotonic() - started
        summary = read_text_pass(store, reader, gate=Gate.CLIP)
        states = {i: store.photo_text(i).state for i in ids}  # type: ignore[union-attr]
        started = time.monotonic()
        _, vectors = store.vectors_for(gate.model_id, list(ids))
        gate.passes(vectors)
        clip_cost = (time.monotonic() - started) / len(ids)
    started = time.monotonic()
    for p in photos:  # what the detection gate costs per photo: decode, then detect
        reader.detect(decode_image(p.path, min_side=READ_SIDE).image)
    detect_cost = (time.monotonic() - started) / len(photos)
    print(f"gate decision alone: detect {detect_cost * 1000:.0f} ms per photo, "
          f"clip {clip_cost * 1000:.3f} ms per photo")  # fmt: skip
    held_text, held_plain = text[1::2], plain[1::2]
    kept = sum(states[i] is TextState.READ for i in held_text)
    let_through = sum(states[i] is TextState.READ for i in held_plain)
    print(f"gate   clip: {summary.seconds / len(photos):.2f} s per photo "
          f"({summary.read} read, {summary.gated_out} gated out; calibration {calibrated:.2f} s, "
          f"threshold {gate.threshold:.4f}, calibration recall {gate.recall:.3f}, "
          f"pass rate {gate.pass_rate:.3f}, useful: {gate.useful})")  # fmt: skip
    print(f"  held out: recall {kept}/{len(held_text)} = {kept / max(len(held_text), 1):.3f}, "
          f"photos without text read {let_through}/{len(held_plain)}")  # fmt: skip


def _blank():  # type: ignore[no-untyped-def]
    from PIL import Image

    return Image.new("RGB", (64, 64), "white")


def report(db: Path, photos: list[TextPhoto], model, label: str) -> None:  # type: ignore[no-untyped-def]
    with Store(db) as store:
        by_id = {store.photo_id_at(p.path): p for p in photos}
        readings = {i: store.photo_text(i) for i in by_id}
    passed = [i for i, p in by_id.items() if p.words and readings[i].state is TextState.READ]  # type: ignore[union-attr]
    with_text = [i for i, p in by_id.items() if p.words]
    print(
        f"\n{label}: gate recall {len(passed)}/{len(with_text)} = {len(passed) / len(with_text):.3f}"
    )
    for language in ("en", "zh"):
        scores = [
            char_accuracy(p.words, readings[i].text)  # type: ignore[union-attr]
            for i, p in by_id.items()
            if p.language == language
        ]
        if scores:
            print(f"  {language} character accuracy: {sum(scores) / len(scores):.3f} "
                  f"over {len(scores)} photos")  # fmt: skip
    engine = SearchEngine(db, model)
    engine.load()
    words = sorted({w for p in photos for w in p.words})
    relevant = retrieved = correct = 0
    for word in words:
        truth = {i for i, p in by_id.items() if word in p.words}
        got = {h.photo_id for h in engine.search(f"text:{word}", top_k=1000).hits}
        relevant, retrieved, correct = (
            relevant + len(truth),
            retrieved + len(got),
            correct + len(truth & got),
        )
    print(f"  text: search over {len(words)} words: precision {correct / max(retrieved, 1):.3f}, "
          f"recall {correct / max(relevant, 1):.3f}")  # fmt: skip
    engine.close()


if __name__ == "__main__":
    main()
