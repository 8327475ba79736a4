"""Plain rows of the library that several record modules and callers share.

They live apart from store.py so that the record mixins can name them without importing the
Store that is built from those mixins (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The setting naming the model a library was last indexed with (see model_choice.py).
ACTIVE_MODEL_SETTING = "active_model"
#: The setting naming the model a library is switching to while its vectors are incomplete
#: (None: no switch under way); the active model's vectors serve searches meanwhile.
TARGET_MODEL_SETTING = "target_model"


@dataclass(frozen=True)
class Root:
    id: int
    path: str
    online: bool
    last_scan: float | None


@dataclass(frozen=True)
class MissingPhotos:
    """Photos kept although their file is not there, so a wrong verdict can be undone.

    `removed`: the file is known to be gone (its folder is present), hidden for a grace period;
    `offline`: its folder, drive or link target is unavailable, kept until it is back.
    """

    removed: int
    offline: int

    @property
    def total(self) -> int:
        return self.removed + self.offline


@dataclass(frozen=True)
class ModelRecord:
    id: int
    spec: str
    dim: int
    preprocess_cfg: dict
    content_hash: str | None = None  # of a local model folder's files; None = by spec only
