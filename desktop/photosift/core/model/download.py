"""The first-run download of a model from the Hugging Face Hub: progress, cancel and resume.

Why not open_clip's own download (``hf_hub_download``): huggingface_hub 2.x writes each file to
a process-unique temporary file and deletes it on any failure, so a cancelled or broken 600 MB
download starts again from zero, and its progress is a tqdm bar on stderr that a window cannot
show. Here each file is fetched with the Hub client's own parts instead: ``get_hf_file_metadata``
(the HEAD: commit, ETag, size, Hub redirects, auth headers) and ``http_get`` (the GET: Range
requests, retries of transient errors, size check). The bytes go to a partial file under
``<model cache>/partial/``, named by the file's ETag so that a file changed on the Hub never
resumes into old bytes; a later try appends to it with a Range request.

A finished file is verified (its size; its SHA-256 where the ETag is one, as for every Git LFS
file such as the weights) and only then moved into the Hub cache layout (``blobs/``,
``snapshots/<commit>/``, ``refs/main``), where open_clip's loader finds it offline. So a
cancelled or failed download never leaves anything a loader could mistake for a model.

Specs whose weights are not on the Hub (local folders, random weights, a few plain-URL
pretrained weights) need nothing here; open_clip fetches URL weights itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from photosift.core.cancel import CancelToken
from photosift.core.errors import ModelUnavailableError, PhotoSiftError
from photosift.core.model.fetch import HubSource, hub_offline, hub_source, load_failure
from photosift.core.model.spec import ModelSpec
from photosift.core.model.transfer import (
    ProgressCallback,
    TransferCancelled,
    TransferMeter,
    format_bytes,
)
from photosift.core.paths import model_cache_dir

__all__ = ["DownloadCancelledError", "download_model", "partial_bytes"]

_CHUNK = 1024 * 1024  # cancel and progress act between chunks; the client's default is 10 MB
_LOCK_WAIT_S = 10.0  # a superseded download of this file releases it within one chunk
_SHA256 = re.compile(r"[0-9a-f]{64}")


class DownloadCancelledError(ModelUnavailableError):
    """The user cancelled a download; what arrived is kept for the next try."""


@dataclass(frozen=True)
class _RemoteFile:
    repo: str
    filename: str
    commit: str
    etag: str
    size: int
    url: str

    @property
    def storage(self) -> Path:
        """The repository's folder in the Hub cache layout."""
        from huggingface_hub.file_download import repo_folder_name

        return model_cache_dir() / repo_folder_name(repo_id=self.repo, repo_type="model")

    @property
    def blob(self) -> Path:
        return self.storage / "blobs" / self.etag

    @property
    def pointer(self) -> Path:
        return self.storage / "snapshots" / self.commit / self.filename

    @property
    def partial(self) -> Path:
        return model_cache_dir() / "partial" / self.storage.name / self.etag


def partial_bytes(spec: ModelSpec) -> int:
    """Bytes of unfinished downloads kept for `spec`'s repository (what a retry resumes from)."""
    source = hub_source(spec)
    if source is None:
        return 0
    from huggingface_hub.file_download import repo_folder_name

    folder = (
        model_cache_dir() / "partial" / repo_folder_name(repo_id=source.repo, repo_type="model")
    )
    return sum(
        p.stat().st_size for p in folder.glob("*") if p.is_file() and not p.name.endswith(".lock")
    )


def download_model(
    spec: ModelSpec, *, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
) -> None:
    """Fetch the Hub files `spec` needs into the model cache; files already there are skipped.

    DownloadCancelledError when `cancel` is cancelled (the partial file stays for a resume),
    ModelUnavailableError (with advice) when the Hub cannot be reached or answers oddly.
    """
    source = hub_source(spec)
    if source is None:
        return
    try:
        with (
            _small_chunks(),
            hub_offline(False),
        ):  # the caller decided to download (download_blocker)
            files = _plan(source)
            missing = [f for f in files if not f.blob.exists()]
            resumed = sum(size for f in missing if (size := _size(f.partial)) <= f.size)
            meter = TransferMeter(
                sum(f.size for f in missing),
                resumed_bytes=resumed,
                progress=progress,
                cancel=cancel,
            )
            for remote in missing:
                _fetch(remote, meter)
            meter.report(force=True)
            for remote in files:
                _place(remote)
    except TransferCancelled:
        kept = partial_bytes(spec)
        raise DownloadCancelledError(
            f"The download of the model '{spec}' was cancelled. {format_bytes(kept)} already "
            f"downloaded {'are' if kept else 'were'} kept; the next try resumes from there."
        ) from None
    except PhotoSiftError:
        raise
    except Exception as exc:  # network and HTTP errors from the Hub client, disk errors
        raise load_failure(spec, exc, online=True) from exc


def _plan(source: HubSource) -> list[_RemoteFile]:
    """HEAD every file the model needs, all pinned to the commit the first answer names."""
    files: list[_RemoteFile] = []
    revision: str | None = None
    for name in source.required:
        remote = _head(source.repo, name, revision)
        if remote is None:
            raise ModelUnavailableError(
                f"The Hub repository {source.repo} has no {name}; it is not an open_clip model."
            )
        files.append(remote)
        revision = remote.commit
    for name in source.weights:
        remote = _head(source.repo, name, revision)
        if remote is not None:
            return [*files, remote]
    raise ModelUnavailableError(
        f"The Hub repository {source.repo} has no weights file ({' or '.join(source.weights)})."
    )


def _head(repo: str, filename: str, revision: str | None) -> _RemoteFile | None:
    """The file's metadata from the Hub, or None when the repository has no such file."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError

    url = hf_hub_url(repo, filename, revision=revision)
    try:
        meta = get_hf_file_metadata(url, retry_on_errors=True)
    except EntryNotFoundError:
        return None
    if not (meta.commit_hash and meta.etag and meta.size is not None):
        raise ModelUnavailableError(
            f"The server at {url} did not answer like the Hugging Face Hub (no commit, ETag or size)."
        )
    return _RemoteFile(repo, filename, meta.commit_hash, meta.etag, meta.size, meta.location)


def _fetch(remote: _RemoteFile, meter: TransferMeter) -> None:
    """Download (or resume) one file into its partial file, verify it, move it to blobs/."""
    from filelock import FileLock, Timeout
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    remote.partial.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{remote.partial}.lock", timeout=_LOCK_WAIT_S)
    try:
        lock.acquire()
    except Timeout:
        raise ModelUnavailableError(
            f"Another PhotoSift is downloading {remote.filename} of {remote.repo} right now; try again when it has finished."
        ) from None
    try:
        if _size(remote.partial) > remote.size:  # not this file: start over
            remote.partial.unlink()
        with remote.partial.open("ab") as out:
            meter.start_file(remote.filename, out.tell())

            def bar(**kwargs: Any) -> _MeterBar:
                meter.restart_file(int(kwargs.get("initial") or 0))
                return _MeterBar(meter)

            http_get(
                remote.url,
                out,
                resume_size=out.tell(),
                headers=build_hf_headers(),
                expected_size=remote.size,
                displayed_filename=remote.filename,
                tqdm_class=cast(Any, bar),
            )
        meter.end_file()
        _verify(remote)
        remote.blob.parent.mkdir(parents=True, exist_ok=True)
        os.replace(remote.partial, remote.blob)
    finally:
        lock.release()


class _MeterBar:
    """What ``http_get`` takes for a tqdm progress bar: every chunk goes through the meter,
    which raises TransferCancelled there when the user cancelled."""

    def __init__(self, meter: TransferMeter) -> None:
        self._meter = meter

    def __enter__(self) -> _MeterBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, count: float | None = 1) -> None:
        self._meter.add(int(count or 0))


def _verify(remote: _RemoteFile) -> None:
    """A resumed file is only as good as its parts: check the size and, for LFS files (whose
    ETag is the content's SHA-256), the hash. A bad file is deleted, never kept."""
    size = _size(remote.partial)
    problem = f"has {size} bytes instead of {remote.size}" if size != remote.size else ""
    if not problem and _SHA256.fullmatch(remote.etag):
        digest = hashlib.sha256()
        with remote.partial.open("rb") as data:
            for block in iter(lambda: data.read(_CHUNK), b""):
                digest.update(block)
        if digest.hexdigest() != remote.etag:
            problem = "does not match its checksum"
    if problem:
        remote.partial.unlink(missing_ok=True)
        raise ModelUnavailableError(
            f"The downloaded {remote.filename} of {remote.repo} {problem}; it was deleted. Try again."
        )


def _place(remote: _RemoteFile) -> None:
    """Link a blob into the Hub cache layout, as huggingface_hub itself does, so open_clip's
    offline load finds it: snapshots/<commit>/<file> -> ../../blobs/<etag>, refs/main = commit."""
    pointer = remote.pointer
    if not pointer.exists():
        pointer.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(os.path.relpath(remote.blob, pointer.parent), pointer)
        except OSError:  # no symlinks (Windows without developer mode): the Hub client copies too
            shutil.copyfile(remote.blob, pointer)
    ref = remote.storage / "refs" / "main"
    ref.parent.mkdir(parents=True, exist_ok=True)
    if not ref.is_file() or ref.read_text(encoding="utf-8") != remote.commit:
        temporary = ref.with_name(f"main.{os.getpid()}.tmp")
        temporary.write_text(remote.commit, encoding="utf-8")
        os.replace(temporary, ref)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@contextlib.contextmanager
def _small_chunks() -> Iterator[None]:
    """Read the response in 1 MB chunks, so that cancel answers within one chunk."""
    from huggingface_hub import constants

    before = constants.DOWNLOAD_CHUNK_SIZE
    constants.DOWNLOAD_CHUNK_SIZE = min(before, _CHUNK)
    try:
        yield
    finally:
        constants.DOWNLOAD_CHUNK_SIZE = before
