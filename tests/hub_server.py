"""A local stand-in for the Hugging Face Hub: real HTTP on 127.0.0.1, the Hub's URL layout and headers.

Serves model folders as Hub repositories (``/ORG/NAME/resolve/REVISION/FILE``) with what the Hub
client reads: ``X-Repo-Commit``, an ``ETag`` that is the SHA-256 of the content for LFS-style files
(weights) and the git blob SHA-1 for small ones, ``Content-Length``, ``Accept-Ranges``, 206
answers to ``Range: bytes=N-`` and ``X-Error-Code: EntryNotFound`` 404s. Point ``HF_ENDPOINT`` at
``server.url`` and the real huggingface_hub code downloads from it.

Every request is logged (method, path, Range header, bytes sent), so tests can check that a
second run resumed with a Range request. Hooks make failures reproducible without timing:
``on_sent(bytes_so_far)`` runs as the body is written (a test cancels a download from there),
``rate`` throttles the body (bytes per second), ``corrupt`` flips one byte of every body.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_LFS_SUFFIXES = (".safetensors", ".bin", ".pth", ".pt")
_PIECE = 64 * 1024


#: The Hub repo name the download tests serve the toy model under.
TOY_REPO = "photosift-test/toy-clip"
TOY_SPEC = f"hf-hub:{TOY_REPO}"


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    status: int = 0
    body_bytes: int = 0


def point_hub_client_at(url: str, monkeypatch) -> None:
    """Send this process's Hub client to `url` with downloads allowed.

    A fresh process only needs HF_ENDPOINT and HF_HUB_OFFLINE=0; in this one the client read
    them when it was first imported, so its constants are set too (undone by `monkeypatch`).
    """
    from huggingface_hub import constants

    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", url + "/{repo_id}/resolve/{revision}/{filename}"
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


class HubServer:
    """``with HubServer({"org/name": folder}) as hub: ... hub.url ...``"""

    def __init__(self, repos: dict[str, Path]) -> None:
        self.repos = {repo: Path(folder) for repo, folder in repos.items()}
        self.commits = {repo: _commit_of(folder) for repo, folder in self.repos.items()}
        self.requests: list[Request] = []
        self.on_sent: Callable[[int], None] | None = None
        self.rate: float | None = None
        self.corrupt = False
        self._etags: dict[Path, str] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="hub-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def gets(self, filename: str) -> list[Request]:
        """The GET requests for `filename` (any repo, any revision), oldest first."""
        return [r for r in self.requests if r.method == "GET" and r.path.endswith(f"/{filename}")]

    def etag(self, path: Path) -> str:
        if path not in self._etags:
            data = path.read_bytes()
            if path.suffix in _LFS_SUFFIXES:
                self._etags[path] = hashlib.sha256(data).hexdigest()
            else:
                self._etags[path] = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        return self._etags[path]

    def resolve(self, path: str) -> tuple[str, Path] | None:
        """(repo, file) for a /ORG/NAME/resolve/REVISION/FILE path the server knows."""
        match = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
        if not match or match.group(1) not in self.repos:
            return None
        repo, revision, filename = match.groups()
        if revision not in ("main", self.commits[repo]):
            return None
        file = self.repos[repo] / filename
        return (repo, file) if file.is_file() else None


def _commit_of(folder: Path) -> str:
    digest = hashlib.sha1()
    for file in sorted(Path(folder).iterdir()):
        if file.is_file():
            digest.update(file.name.encode() + hashlib.sha1(file.read_bytes()).digest())
    return digest.hexdigest()


def _handler_for(hub: HubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            return

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, *, body: bool) -> None:
            record = Request(self.command, self.path, self.headers.get("Range"))
            hub.requests.append(record)
            found = hub.resolve(self.path.split("?")[0])
            if found is None:
                record.status = 404
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("X-Error-Message", "Entry not found")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            repo, file = found
            size = file.stat().st_size
            start = 0
            ranged = re.fullmatch(r"bytes=(\d+)-", record.range or "")
            if body and ranged and int(ranged.group(1)) < size:
                start = int(ranged.group(1))
            record.status = 206 if start else 200
            self.send_response(record.status)
            self.send_header("X-Repo-Commit", hub.commits[repo])
            self.send_header("ETag", f'"{hub.etag(file)}"')
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(size - start))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            self.end_headers()
            if body:
                self._send_body(file, start, record)

        def _send_body(self, file: Path, start: int, record: Request) -> None:
            data = bytearray(file.read_bytes()[start:])
            if hub.corrupt and data:
                data[len(data) // 2] ^= 0xFF
            began = time.monotonic()
            try:
                for offset in range(0, len(data), _PIECE):
                    piece = bytes(data[offset : offset + _PIECE])
                    self.wfile.write(piece)
                    record.body_bytes += len(piece)
                    if hub.on_sent is not None:
                        hub.on_sent(record.body_bytes)
                    if hub.rate:
                        ahead = record.body_bytes / hub.rate - (time.monotonic() - began)
                        if ahead > 0:
                            time.sleep(ahead)
            except (BrokenPipeError, ConnectionResetError):  # the client cancelled
                self.close_connection = True

    return Handler
