"""Which model a library is used with: the one policy the CLI, the GUI and the engines share.

A library holds vectors of the models it was indexed with; vectors of two models never mix.
So the model to use depends on what the user is about to do (`ModelUse`):

- INDEX: the model asked for, else the library's own model, else the default. Indexing with a
  new model is allowed: it adds that model's vectors beside the others.
- QUERY: search and tagging. A model asked for must already have vectors in the library (it is
  refused before it is loaded, since loading may mean a download); with none asked for, the
  library's model.
- BROWSE: the app at start-up. The user's chosen model, else the library's, else the default;
  a choice the library has no vectors for is loaded anyway and reported (`matches_library`),
  so the window can offer to re-index instead of refusing to start.

Switching a library to another model (`ModelSwitch`) re-embeds every photo, which takes
hours on a large library; until the new vectors are complete the old ones keep serving
search. So the switch is recorded when the first run with the new model starts
(`begin_model_switch`: the target model, with the old one pinned as active), searches keep
the active model and say what is being prepared, a later plain `index` (or the window's
next start) resumes the target, and only a complete run makes the target active
(`finish_model_switch`); indexing with the old model again ends the switch. Photos added
during the switch get vectors of the target only, so the old model does not find them until
the switch is done.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from photosift.core.errors import (
    EmptyLibraryError,
    ModelChangedError,
    ModelMismatchError,
    PhotoSiftError,
    Remedy,
)
from photosift.core.library.records import ACTIVE_MODEL_SETTING, TARGET_MODEL_SETTING
from photosift.core.model.catalog import DEFAULT_MODEL_SPEC
from photosift.core.model.spec import parse_spec

if TYPE_CHECKING:
    from photosift.core.library.store import Store


class ModelUse(Enum):
    INDEX = "index"
    QUERY = "query"
    BROWSE = "browse"


@dataclass(frozen=True)
class ModelChoice:
    spec: str  # what to load
    library_specs: tuple[str, ...]  # every model the library has vectors of

    @property
    def matches_library(self) -> bool:
        """False when the library has vectors, but none from the chosen model."""
        return not self.library_specs or self.spec in self.library_specs


@dataclass(frozen=True)
class ModelSwitch:
    """A library on its way from one model to another (see the module docstring)."""

    serving: str  # the model whose complete vectors answer searches meanwhile
    target: str  # the model being prepared
    ready: int  # photos with a vector of the target
    total: int  # photos in the catalog

    def describe(self) -> str:
        """The one line a search prints while the switch is under way."""
        return (
            f"Searching with {self.serving} while {self.target} is being prepared: "
            f"{self.ready}/{self.total}"
        )


def choose_model(store: Store | None, requested: str | None, use: ModelUse) -> ModelChoice:
    """The model spec to load for `use` (see the module docstring); `store` None = no library yet."""
    specs = tuple(store.library_model_specs()) if store is not None else ()
    wanted = str(parse_spec(requested)) if requested else None
    if wanted is None and use is not ModelUse.QUERY and store is not None:
        switch = model_switch(store)
        if switch is not None:  # indexing (or the window) resumes the switch under way
            return ModelChoice(switch.target, specs)
    if use is ModelUse.QUERY:
        if store is None:
            raise EmptyLibraryError("(none yet)")
        if wanted is None:
            return ModelChoice(library_model_spec(store), specs)
        if wanted not in specs:
            newest = newest_library_spec(store)
            if newest is None:
                raise EmptyLibraryError(store.path, model=wanted)
            raise ModelMismatchError(newest, wanted)
        return ModelChoice(wanted, specs)
    library = newest_library_spec(store) if store is not None else None
    if use is ModelUse.BROWSE and store is not None and wanted is None:
        with contextlib.suppress(PhotoSiftError):  # empty, or several models: the newest
            library = library_model_spec(store)
    return ModelChoice(wanted or library or DEFAULT_MODEL_SPEC, specs)


def library_model_spec(store: Store) -> str:
    """The model to search a library with: its active model, else the only one it has."""
    specs = store.library_model_specs()
    if not specs:
        raise EmptyLibraryError(store.path)
    active = store.get_setting(ACTIVE_MODEL_SETTING)
    if active in specs:
        return str(active)
    if len(specs) == 1:
        return specs[0]
    raise PhotoSiftError(
        f"The library {store.path} holds vectors of several models ({', '.join(specs)}).",
        remedy=Remedy.CHOOSE_MODEL,
        specs=specs,
    )


def newest_library_spec(store: Store) -> str | None:
    """The library's active model if it has vectors, else the last one indexed, else None."""
    specs = store.library_model_specs()
    active = store.get_setting(ACTIVE_MODEL_SETTING)
    return str(active) if active in specs else (specs[-1] if specs else None)


def require_model(store: Store, spec: str, dim: int, content_hash: str | None = None) -> int:
    """The library's id for the model `spec`; ModelMismatchError if it has other vectors only,
    or if the files behind the spec changed since the library was indexed (`content_hash`)."""
    record = store.model_by_spec(spec)
    if spec not in store.library_model_specs():
        library_spec = newest_library_spec(store)
        if library_spec is not None:
            raise ModelMismatchError(library_spec, spec)
    if record is None:
        raise EmptyLibraryError(store.path, model=spec)
    if record.dim != dim:
        raise ModelMismatchError(f"{record.spec} ({record.dim}-d)", spec)
    if record.content_hash and content_hash and record.content_hash != content_hash:
        raise ModelChangedError(spec)
    return record.id


def model_switch(store: Store, target: str | None = None) -> ModelSwitch | None:
    """The switch under way (or to `target`, about to start), None when there is none: the
    library has no vectors yet, or its searches already use the target."""
    wanted = target or store.get_setting(TARGET_MODEL_SETTING)
    serving = newest_library_spec(store)
    if not isinstance(wanted, str) or serving is None or wanted == serving:
        return None
    record = store.model_by_spec(wanted)
    counts = store.analysis_counts(record.id if record else None)
    return ModelSwitch(serving, wanted, counts.ready, counts.total)


def begin_model_switch(store: Store, spec: str) -> ModelSwitch | None:
    """Before indexing with `spec`: when the library's searches use another model, record the
    switch, pinning that model as active so that the first new vectors do not take over.
    Indexing with the model searches use ends a switch under way (the user went back to it;
    the other model's vectors stay, so going forward again resumes where it stopped)."""
    switch = model_switch(store, spec)
    if switch is None:
        if newest_library_spec(store) == spec and store.get_setting(TARGET_MODEL_SETTING):
            store.set_setting(TARGET_MODEL_SETTING, None)
        return None
    if store.get_setting(ACTIVE_MODEL_SETTING) != switch.serving:
        store.set_setting(ACTIVE_MODEL_SETTING, switch.serving)
    if store.get_setting(TARGET_MODEL_SETTING) != spec:
        store.set_setting(TARGET_MODEL_SETTING, spec)
    return switch


def finish_model_switch(store: Store, spec: str) -> None:
    """After a complete run with `spec`: every photo has its vector, so searches use it."""
    store.set_setting(ACTIVE_MODEL_SETTING, spec)
    if store.get_setting(TARGET_MODEL_SETTING) == spec:
        store.set_setting(TARGET_MODEL_SETTING, None)
