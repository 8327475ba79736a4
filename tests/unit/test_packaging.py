"""Packaging files stay consistent without building anything.

The real PyInstaller build takes long and installs gigabytes (packaging/build.sh, not CI);
these checks catch what usually breaks it: a spec that no longer runs or names a missing file,
a desktop entry or metainfo that does not validate or has drifted from APP_ID, stale icons.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from photosift import APP_ID, APP_NAME, __version__
from photosift.resources import ICON_SIZES

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
RESOURCES = REPO / "resources"
DESKTOP_FILE = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"


class Recorder:
    """Stands in for one PyInstaller build step and keeps what the spec passed to it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args = args
        self.kwargs = kwargs
        self.pure = self.scripts = self.binaries = self.datas = []


def run_spec(platform: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Execute photosift.spec as PyInstaller would on `platform`, with recording build steps."""
    calls: dict[str, list[Recorder]] = {}

    def step(name: str) -> type[Recorder]:
        class Step(Recorder):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, **kwargs)
                calls.setdefault(name, []).append(self)

        return Step

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: [(f"<{package} data>", package)]
    hooks.collect_submodules = lambda package: [f"{package}.<submodules>"]
    hooks.collect_dynamic_libs = lambda package, search_patterns: [(f"<{package} libs>", package)]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace = {"SPECPATH": str(PACKAGING), "__name__": "__main__"}
    namespace.update({name: step(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")})
    spec = PACKAGING / "photosift.spec"
    exec(compile(spec.read_text(), str(spec), "exec"), namespace)
    return calls


def test_spec_on_linux_builds_one_windowed_folder_with_resources_and_open_clip_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = run_spec("linux", monkeypatch)
    (analysis,) = calls["Analysis"]
    (script,) = analysis.args[0]
    assert Path(script) == PACKAGING / "launcher.py"
    assert Path(script).is_file()
    datas = analysis.kwargs["datas"]
    assert (str(RESOURCES), "resources") in datas
    assert ("<open_clip data>", "open_clip") in datas
    for source, _dest in datas:
        assert source.startswith("<") or Path(source).exists(), source
    source_tree = REPO / "desktop"
    for data_file in (source_tree / "photosift").rglob("*.json"):
        assert (str(data_file), str(data_file.parent.relative_to(source_tree))) in datas
    assert "photosift.<submodules>" in analysis.kwargs["hiddenimports"]
    assert ("<torchvision libs>", "torchvision") in analysis.kwargs["binaries"]
    assert "tkinter" in analysis.kwargs["excludes"]
    (exe,) = calls["EXE"]
    assert exe.kwargs["name"] == "photosift"
    assert exe.kwargs["console"] is False
    assert exe.kwargs["exclude_binaries"] is True
    (collect,) = calls["COLLECT"]
    assert collect.kwargs["name"] == APP_NAME
    assert "BUNDLE" not in calls


def test_spec_on_macos_wraps_an_app_bundle_named_by_app_id(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = run_spec("darwin", monkeypatch)
    (bundle,) = calls["BUNDLE"]
    assert bundle.kwargs["name"] == f"{APP_NAME}.app"
    assert bundle.kwargs["bundle_identifier"] == APP_ID
    assert bundle.kwargs["info_plist"]["CFBundleShortVersionString"] == __version__
    assert Path(bundle.kwargs["icon"]).is_file()
    assert Path(bundle.kwargs["icon"]).suffix == ".icns"


def test_spec_on_windows_adds_a_console_twin_and_the_ico(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = run_spec("win32", monkeypatch)
    by_name = {exe.kwargs["name"]: exe.kwargs for exe in calls["EXE"]}
    assert by_name["photosift"]["console"] is False
    assert by_name["photosift-cli"]["console"] is True
    assert Path(by_name["photosift"]["icon"]).suffix == ".ico"
    assert Path(by_name["photosift"]["icon"]).is_file()


def test_open_clip_ships_the_data_files_the_spec_collects() -> None:
    """If open_clip moved its configs or vocabulary, the bundle would load no model."""
    origin = importlib.util.find_spec("open_clip").origin
    package = Path(origin).parent
    assert list((package / "model_configs").glob("*.json"))
    assert (package / "bpe_simple_vocab_16e6.txt.gz").is_file()


def test_torchvision_ops_library_matches_the_specs_patterns() -> None:
    """torchvision loads its ops by file, unseen by PyInstaller: the spec must name the file."""
    spec_text = (PACKAGING / "photosift.spec").read_text()
    patterns = ast.literal_eval(spec_text.split("TORCHVISION_EXTENSIONS = ", 1)[1].splitlines()[0])
    package = Path(importlib.util.find_spec("torchvision").origin).parent
    compiled = [path.name for path in package.iterdir() if path.name.startswith("_C")]
    assert compiled, "torchvision has no compiled ops library"
    assert all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in compiled)


def test_launcher_runs_the_photosift_command() -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "launcher.py"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"PhotoSift {__version__}"


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def read_desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # desktop entry keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_app_its_icon_and_command() -> None:
    entry = read_desktop_entry()
    assert DESKTOP_FILE.name == f"{APP_ID}.desktop"
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    scripts = pyproject()["project"]["scripts"]
    assert entry["Exec"].split()[0] in scripts
    assert entry["TryExec"] == entry["Exec"].split()[0]
    assert {"Graphics", "Photography", "Viewer"} <= set(entry["Categories"].strip(";").split(";"))


@pytest.mark.skipif(
    not shutil.which("desktop-file-validate"), reason="desktop-file-utils not installed"
)
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert __version__ in [release.get("version") for release in root.iter("release")]


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream not installed")
def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_windows_and_macos_icons_hold_every_size() -> None:
    with Image.open(RESOURCES / "icons/photosift.ico") as ico:
        assert {(s, s) for s in (16, 32, 48, 256)} <= ico.info["sizes"]
    with Image.open(RESOURCES / "icons/photosift.icns") as icns:
        assert {(s, s, 1) for s in (16, 32, 128, 256, 512)} <= {
            (w, h, 1) for w, h, _scale in icns.info["sizes"]
        }
    svg = ET.parse(RESOURCES / "icons/photosift.svg").getroot()
    assert svg.get("viewBox") == "0 0 512 512"


def test_committed_icon_renders_match_the_svg_master(tmp_path: Path) -> None:
    """Editing photosift.svg without re-running make_icons.py leaves stale PNGs: caught here."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    for size in ICON_SIZES:
        relative = Path(f"hicolor/{size}x{size}/apps/{APP_ID}.png")
        with (
            Image.open(tmp_path / relative) as fresh,
            Image.open(RESOURCES / "icons" / relative) as kept,
        ):
            assert fresh.size == kept.size == (size, size)
            diff = ImageChops.difference(fresh.convert("RGBA"), kept.convert("RGBA"))
            assert max(ImageStat.Stat(diff).mean) < 2.0, f"{relative} is stale; run make_icons.py"


def test_pyproject_ships_resources_inside_the_installed_package() -> None:
    """`pip install .` must carry resources/ so an installed PhotoSift finds its icon."""
    config = pyproject()["tool"]["setuptools"]
    assert config["package-dir"]["photosift._resources"] == "resources"
    assert config["package-data"]["photosift._resources"] == ["**/*"]
    packages_on_disk = {
        ".".join(init.parent.relative_to(REPO / "desktop").parts)
        for init in (REPO / "desktop").rglob("__init__.py")
    }
    assert set(config["packages"]) == packages_on_disk | {"photosift._resources"}


def test_pyproject_ships_every_data_file_inside_the_package() -> None:
    """A non-Python file under desktop/photosift that package-data misses is absent after `pip install .`."""
    package_data = pyproject()["tool"]["setuptools"]["package-data"]
    source_tree = REPO / "desktop"
    for path in (source_tree / "photosift").rglob("*"):
        if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
            continue
        package_dir = next(parent for parent in path.parents if (parent / "__init__.py").is_file())
        package = ".".join(package_dir.relative_to(source_tree).parts)
        relative = path.relative_to(package_dir).as_posix()
        patterns = package_data.get(package, [])
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), (
            f"{path.relative_to(REPO)} is not in [tool.setuptools.package-data] {package!r}"
        )


def test_shell_scripts_parse() -> None:
    for script in ("build.sh", "smoke.sh", "install-linux.sh"):
        path = PACKAGING / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        result = subprocess.run(
            ["bash", "-n", str(path)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr


def test_linux_install_puts_entry_icons_and_link_in_place_and_uninstall_removes_them(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "dist" / "PhotoSift"
    shutil.copytree(RESOURCES, bundle / "_internal" / "resources")
    exe = bundle / "photosift"
    exe.write_text("#!/bin/sh\necho bundled photosift\n")
    exe.chmod(0o755)
    prefix = tmp_path / "home dir" / ".local"
    script = str(PACKAGING / "install-linux.sh")

    subprocess.run(
        [script, "--prefix", str(prefix), str(bundle)], check=True, capture_output=True, timeout=120
    )
    linked = subprocess.run(
        [str(prefix / "bin/photosift")], capture_output=True, text=True, timeout=60
    )
    assert linked.stdout.strip() == "bundled photosift"
    installed_entry = prefix / "share/applications" / DESKTOP_FILE.name
    text = installed_entry.read_text()
    assert f'Exec="{prefix}/opt/PhotoSift/photosift"' in text
    assert f"Icon={APP_ID}\n" in text
    for size in ICON_SIZES:
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert (prefix / f"share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(installed_entry)], capture_output=True, text=True
        )
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout

    subprocess.run(
        [script, "--prefix", str(prefix), "--uninstall"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert not installed_entry.exists()
    assert not (prefix / "opt/PhotoSift").exists()
    assert not (prefix / "bin/photosift").exists()
    assert not (prefix / f"share/icons/hicolor/48x48/apps/{APP_ID}.png").exists()
