"""The first-run model download, for real: huggingface_hub's HTTP code against a local Hub.

`tests.hub_server.HubServer` serves the toy model folder as a Hub repository on 127.0.0.1;
HF_ENDPOINT points at it and HF_HUB_OFFLINE is 0 (the conftest sets it to 1 for every other
test); `point_hub_client_at` also sets the constants this process's Hub client read at import.
The CLI test starts a fresh process with only the variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.errors import ModelUnavailableError
from photosift.core.model.download import DownloadCancelledError, partial_bytes
from photosift.core.model.fetch import is_cached
from photosift.core.model.loader import load_model
from photosift.core.model.spec import parse_spec
from photosift.core.model.transfer import TransferMeter, TransferProgress
from photosift.core.paths import model_cache_dir
from tests.hub_server import TOY_SPEC as SPEC

WEIGHTS = "open_clip_model.safetensors"
CONFIG = "open_clip_config.json"


def model_bytes(folder: Path) -> int:
    return (folder / CONFIG).stat().st_size + (folder / WEIGHTS).stat().st_size


def test_first_load_downloads_with_progress_to_100_percent(hub, toy_model_dir, toy_model):
    reports: list[TransferProgress] = []
    assert not is_cached(SPEC)

    model = load_model(SPEC, device="cpu", progress=reports.append)

    total = model_bytes(toy_model_dir)
    assert reports and all(r.total_bytes == total for r in reports)
    assert [r.done_bytes for r in reports] == sorted(r.done_bytes for r in reports)
    assert (reports[-1].done_bytes, reports[-1].fraction, reports[-1].resumed_bytes) == (
        total,
        1.0,
        0,
    )
    assert [r.range for r in hub.gets(WEIGHTS)] == [None]
    assert is_cached(SPEC) and partial_bytes(parse_spec(SPEC)) == 0
    # The downloaded weights are the toy model's: same text embedding.
    # (Equal up to float rounding: the fixture's model may run on ONNX Runtime, this one on torch.)
    downloaded, local = (
        model.encode_texts(["a red circle"]),
        toy_model.encode_texts(["a red circle"]),
    )
    assert float((downloaded * local).sum()) > 0.9999


def test_cancel_keeps_no_model_and_the_next_load_resumes_with_a_range_request(hub, toy_model_dir):
    token = CancelToken()
    hub.rate = 4_000_000  # bytes/s: progress reports arrive while the weights are under way

    def cancel_after_two_megabytes(report: TransferProgress) -> None:  # as the GUI's Cancel does
        if report.done_bytes >= 2 * 1024 * 1024:
            token.cancel()

    with pytest.raises(DownloadCancelledError, match="next try resumes"):
        load_model(SPEC, device="cpu", progress=cancel_after_two_megabytes, cancel=token)

    kept = partial_bytes(parse_spec(SPEC))
    weights_size = (toy_model_dir / WEIGHTS).stat().st_size
    assert 0 < kept < weights_size
    assert not is_cached(SPEC)  # nothing a loader could pick up as a model
    assert not list(model_cache_dir().glob(f"models--*/snapshots/*/{WEIGHTS}"))
    with pytest.raises(ModelUnavailableError):
        with_offline_hub(lambda: load_model(SPEC, device="cpu"))

    hub.rate = None
    reports: list[TransferProgress] = []
    model = load_model(SPEC, device="cpu", progress=reports.append)

    resumed = hub.gets(WEIGHTS)[-1]
    assert (resumed.range, resumed.status, resumed.body_bytes) == (
        f"bytes={kept}-",
        206,
        weights_size - kept,
    )
    assert reports[0].resumed_bytes == reports[0].done_bytes == kept
    assert (
        reports[-1].done_bytes == reports[-1].total_bytes == weights_size
    )  # the config had arrived whole
    assert len(hub.gets(CONFIG)) == 1
    assert model.dim == 64 and partial_bytes(parse_spec(SPEC)) == 0


def with_offline_hub(action):
    """Run `action` as a computer without the network would (HF_HUB_OFFLINE=1)."""
    from huggingface_hub import constants

    os.environ["HF_HUB_OFFLINE"], constants.HF_HUB_OFFLINE = "1", True
    try:
        return action()
    finally:
        os.environ["HF_HUB_OFFLINE"], constants.HF_HUB_OFFLINE = "0", False


def test_a_damaged_download_is_deleted_not_loaded(hub):
    hub.corrupt = True
    with pytest.raises(ModelUnavailableError, match="does not match its checksum"):
        load_model(SPEC, device="cpu")
    assert not is_cached(SPEC) and partial_bytes(parse_spec(SPEC)) == 0


def test_a_repository_without_weights_is_named(hub, tmp_path, monkeypatch):
    empty = tmp_path / "config-only"
    empty.mkdir()
    (empty / CONFIG).write_text("{}", encoding="utf-8")
    hub.repos["photosift-test/config-only"] = empty
    hub.commits["photosift-test/config-only"] = "0" * 40
    with pytest.raises(ModelUnavailableError, match="has no weights file"):
        load_model("hf-hub:photosift-test/config-only", device="cpu")


def test_throttled_download_reports_speed_and_time_left(hub, toy_model_dir):
    hub.rate = 8_000_000  # bytes/s: about 1.7 s for the toy model
    reports: list[TransferProgress] = []
    load_model(SPEC, device="cpu", progress=reports.append)
    timed = [r for r in reports if r.bytes_per_s is not None]
    assert timed, "no report carried a speed"
    assert all(r.bytes_per_s <= hub.rate * 2 for r in timed)  # a busy client catches up in bursts
    assert any(r.eta_s is not None and r.eta_s > 0 for r in timed[:-1])
    assert " left" in next(r for r in timed if r.done_bytes < r.total_bytes).describe()


def test_cli_prints_download_progress_on_stderr(hub, tmp_path, toy_model_dir):
    photos = tmp_path / "photos"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.toyworld",
            "photos",
            str(photos),
            "--count",
            "3",
            "--size",
            "64x64",
        ],
        check=True,
        capture_output=True,
    )
    env = dict(os.environ, HF_ENDPOINT=hub.url, HF_HUB_OFFLINE="0")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "photosift",
            "index",
            str(photos),
            "--db",
            str(tmp_path / "lib.sqlite3"),
            "--model",
            SPEC,
            "--device",
            "cpu",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    size = model_bytes(toy_model_dir) / 1e6
    assert f"Downloading the model {SPEC}" in result.stderr
    assert result.stderr.count(f"{size:.1f} MB of {size:.1f} MB (100%)") == 1
    assert len(hub.gets(WEIGHTS)) == 1


def test_meter_reports_speed_only_after_a_second_and_always_the_end():
    now = [0.0]
    reports: list[TransferProgress] = []
    meter = TransferMeter(
        10_000_000, resumed_bytes=2_000_000, progress=reports.append, clock=lambda: now[0]
    )
    meter.start_file("weights", 2_000_000)
    for _ in range(8):
        now[0] += 0.5
        meter.add(1_000_000)
    meter.end_file()
    meter.report(force=True)
    assert reports[0].bytes_per_s is None and reports[1].bytes_per_s is None  # 0 s, 0.5 s
    assert reports[2].bytes_per_s == pytest.approx(
        2_000_000
    )  # 2 MB in 1 s, resumed bytes not counted
    assert reports[-1].done_bytes == 10_000_000 and reports[-1].eta_s == 0
    assert reports[-3].eta_s == pytest.approx(0.5)  # 1 MB left at 2 MB/s


def test_meter_raises_on_cancel_before_counting_the_chunk():
    token = CancelToken()
    meter = TransferMeter(100, cancel=token)
    meter.start_file("weights")
    meter.add(10)
    token.cancel()
    from photosift.core.model.transfer import TransferCancelled

    with pytest.raises(TransferCancelled):
        meter.add(10)
    assert meter.done_bytes == 10
