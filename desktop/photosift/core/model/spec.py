"""Model spec strings: parsing, the canonical form, and helpful errors for typos.

A model is named by a spec string, stored in the library so an index is only ever queried with
the model that built it:

- ``ARCH/PRETRAINED``: an entry of ``open_clip.list_pretrained()``, e.g. the default
  ``ViT-B-32-256/datacomp_s34b_b86k``.
- ``hf-hub:ORG/REPO``: an open_clip model published on the Hugging Face Hub.
- ``local-dir:PATH``: open_clip's folder format; works with no network at all.
- ``random:ARCH``: random weights from a fixed seed, for benchmarks and tests.

The canonical form matters because the stored spec is compared as a string: two spellings of one
model must not look like two models. Users type these by hand, so an unknown name is answered
with the closest names open_clip knows rather than a bare "not found".

open_clip is imported inside functions: ``check=False`` parsing must stay cheap for the GUI.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from photosift.core.errors import PhotoSiftError, Remedy

SPEC_FORMS = "Use ARCH/PRETRAINED, hf-hub:ORG/REPO or local-dir:FOLDER."
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")


class InvalidModelSpecError(PhotoSiftError):
    """A model spec string that names no model open_clip knows."""

    remedy = Remedy.SEE_MODELS


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec; ``str(spec)`` is the canonical form stored in the database."""

    kind: str  # "pretrained" | "hf-hub" | "local-dir" | "random"
    name: str  # architecture, ORG/REPO, or absolute folder path
    tag: str | None = None  # the pretrained weights tag, for kind "pretrained"

    def __str__(self) -> str:
        return (
            f"{self.name}/{self.tag}" if self.kind == "pretrained" else f"{self.kind}:{self.name}"
        )

    @property
    def open_clip_name(self) -> str:
        return self.name if self.kind in ("pretrained", "random") else str(self)


def parse_spec(text: str, *, check: bool = True) -> ModelSpec:
    """Parse and canonicalise a spec. ``check`` verifies the name against open_clip's lists
    (imports torch, ~4 s); ``check=False`` only checks the syntax."""
    raw = (text or "").strip()
    kind, sep, rest = raw.partition(":")
    rest = rest.strip()
    if sep and kind in ("local-dir", "hf-hub", "random") and not rest:
        raise InvalidModelSpecError(
            f"The model spec '{raw}' has nothing after '{kind}:'. {SPEC_FORMS}"
        )
    if sep and kind == "local-dir":
        return ModelSpec("local-dir", str(Path(rest).expanduser().resolve()))
    if sep and kind == "hf-hub":
        repo = rest.strip("/")
        if not _REPO_ID.fullmatch(repo):
            raise InvalidModelSpecError(
                f"The model spec '{raw}' is not a Hugging Face repository: write hf-hub:ORG/REPO."
            )
        return ModelSpec("hf-hub", repo)
    if sep and kind == "random":
        return ModelSpec("random", resolve_arch(rest) if check else rest)
    arch, slash, tag = raw.partition("/")
    if check and not sep and not slash and raw:
        _check_tag(resolve_arch(raw), "")
    if sep or not (arch and slash and tag) or "/" in tag:
        hint = (
            f" If it is a Hugging Face repository, write hf-hub:{raw}."
            if _REPO_ID.fullmatch(raw)
            else ""
        )
        raise InvalidModelSpecError(f"'{raw}' is not a model spec.{hint} {SPEC_FORMS}")
    tag = tag.strip().lower().replace("-", "_")  # open_clip's own tag normalisation
    if check:
        arch = resolve_arch(arch.strip(), repo_hint=raw)
        _check_tag(arch, tag)
    return ModelSpec("pretrained", arch.strip(), tag)


def resolve_arch(name: str, repo_hint: str = "") -> str:
    """open_clip's exact spelling of an architecture name, matched case-insensitively; the
    stored spec must be canonical, and a near miss gets "Did you mean" suggestions."""
    import open_clip

    known = open_clip.list_models()
    if name in known:
        return name
    by_lower = {arch.lower(): arch for arch in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = [
        by_lower[m] for m in difflib.get_close_matches(name.lower(), by_lower, n=5, cutoff=0.6)
    ]
    advice = f" Did you mean: {', '.join(close)}?" if close else ""
    if repo_hint and not close and _REPO_ID.fullmatch(repo_hint):
        advice += f" If it is a Hugging Face repository, write hf-hub:{repo_hint}."
    raise InvalidModelSpecError(f"open_clip has no model architecture named '{name}'.{advice}")


def _check_tag(arch: str, tag: str) -> None:
    import open_clip

    tags = open_clip.list_pretrained_tags_by_model(arch)
    if tag in tags:
        return
    if not tags:
        raise InvalidModelSpecError(f"open_clip has no pretrained weights for '{arch}'.")
    close = difflib.get_close_matches(tag, tags, n=3, cutoff=0.5) if tag else []
    advice = f"Did you mean {' or '.join(f'{arch}/{t}' for t in close)}? " if close else ""
    problem = (
        f"open_clip has no weights '{tag}' for '{arch}'"
        if tag
        else f"'{arch}' needs its weights too"
    )
    raise InvalidModelSpecError(
        f"{problem}. {advice}Write {arch}/TAG with TAG one of: {', '.join(tags)}."
    )
