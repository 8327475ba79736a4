"""Errors the user is meant to read, carrying data rather than one face's instructions.

Every PhotoSift error says what went wrong in a sentence any face can show (`str(err)`). What
the user can do next differs by face: the CLI names a command and its flags, the GUI names a
menu or a button. So an error carries a `Remedy` and the data it needs (`err.data`), and each
face words the remedy for its own user (`photosift.cli.remedies`, `photosift.gui.remedies`).
Neither face shows a trace.
"""

from __future__ import annotations

from enum import Enum


class Remedy(Enum):
    """What the user can do next. The data each one uses is listed beside it."""

    INDEX_FOLDER = "index_folder"  # the library has no photos yet (model: str | None)
    REINDEX_OR_SWITCH_MODEL = "reindex_or_switch_model"  # library_spec, loaded_spec
    CHOOSE_MODEL = "choose_model"  # several models, none active (specs: list[str])
    REINDEX_MODEL = "reindex_model"  # the weights behind a spec changed (spec)
    ADD_FOLDER = "add_folder"  # a folder outside the library was named (folder)
    CHOOSE_OTHER_LIBRARY = "choose_other_library"  # the library file is unusable (path)
    ADD_LABEL = "add_label"  # a label is missing, or there are none (names)
    SEE_LABELS = "see_labels"  # a label name was not found (name)
    SEE_MODELS = "see_models"  # a model spec was not understood
    USE_MODEL_FOLDER = "use_model_folder"  # weights cannot be fetched: offer a local folder
    INSTALL_CLUSTER_EXTRA = "install_cluster_extra"  # an optional extra is missing (extra)
    FREE_SPACE_AND_RETRY = "free_space_and_retry"  # the disk is full; work resumes on retry
    RECOVER_LIBRARY = "recover_library"  # the library file is damaged (path)
    USE_WRITABLE_LIBRARY = "use_writable_library"  # the library cannot be written here
    READ_MORE_TEXT = "read_more_text"  # too few photos read to calibrate the text gate


class PhotoSiftError(Exception):
    """Base class: `str(err)` is a complete, user-facing sentence with no face's syntax.

    `remedy` says what the user can do next, `data` holds the values a face needs to word it.
    """

    remedy: Remedy | None = None

    def __init__(self, message: str, *, remedy: Remedy | None = None, **data: object) -> None:
        super().__init__(message)
        if remedy is not None:
            self.remedy = remedy
        self.data: dict[str, object] = data


class ModelUnavailableError(PhotoSiftError):
    """The model's weights cannot be found or fetched (typically: offline and not cached)."""

    remedy = Remedy.USE_MODEL_FOLDER


class ModelMismatchError(PhotoSiftError):
    """A library indexed with one model was about to be queried with another."""

    remedy = Remedy.REINDEX_OR_SWITCH_MODEL

    def __init__(self, library_spec: str, loaded_spec: str) -> None:
        super().__init__(
            f"This library was indexed with {library_spec}; the loaded model is {loaded_spec}.",
            library_spec=library_spec,
            loaded_spec=loaded_spec,
        )
        self.library_spec, self.loaded_spec = library_spec, loaded_spec


class ModelChangedError(ModelMismatchError):
    """The files behind a model spec changed (new weights in the same folder) since indexing."""

    remedy = Remedy.REINDEX_MODEL

    def __init__(self, spec: str) -> None:
        PhotoSiftError.__init__(
            self,
            f"The files of the model {spec} changed since this library was indexed (new weights "
            "in the same folder), so its vectors no longer fit.",
            spec=spec,
        )
        self.library_spec = self.loaded_spec = spec


class EmptyLibraryError(PhotoSiftError):
    """The library has no analysed photos yet (for this model, when one is named)."""

    remedy = Remedy.INDEX_FOLDER

    def __init__(self, path: object, model: str | None = None) -> None:
        super().__init__(f"The library {path} has no indexed photos yet.", path=path, model=model)


class StoreError(PhotoSiftError):
    """The database cannot be opened, is corrupt, or is from a newer PhotoSift."""


class QueryError(PhotoSiftError):
    """A search query or its options cannot be understood."""
