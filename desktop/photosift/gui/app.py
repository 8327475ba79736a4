"""Start the desktop app: `photosift` with no subcommand lands here.

`run_app(args)` builds the QApplication (name, icon, translations), then either opens the main
window, renders it to a PNG (`--screenshot`), or runs the headless `--self-test` that packaged
builds use to prove the model stack works. Heavy imports stay out of this path: the window must
be on screen before torch is even imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from photosift import APP_ID, APP_NAME, __version__
from photosift.gui.platform_check import check_display
from photosift.gui.settings import Settings

log = logging.getLogger(__name__)


def run_app(args: argparse.Namespace) -> int:
    if getattr(args, "self_test", False):
        from photosift.gui.self_test import run_self_test

        return run_self_test(getattr(args, "model", None))
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a PNG needs no display
    check_display()  # one line and exit 1 where Qt would abort for a missing X11 library
    app = create_application()
    settings = Settings.load()
    db = getattr(args, "db", None)
    if db is not None:
        settings.db_path = str(Path(db).expanduser())
    model_spec = getattr(args, "model", None)
    folders = [Path(f).expanduser().resolve() for f in getattr(args, "add_folder", None) or []]
    if screenshot:
        from photosift.gui.screenshot import render_screenshot

        query = getattr(args, "screenshot_query", None)
        return render_screenshot(settings, Path(screenshot), model_spec=model_spec, query=query, add_folders=folders)

    from photosift.gui.main_window import MainWindow

    window = MainWindow(settings, model_spec=model_spec)
    app.aboutToQuit.connect(window.shutdown)  # also when quitting without closing the window
    window.show()
    if folders:
        window.add_folders(folders)
    return app.exec()


def create_application() -> QApplication:
    """The one QApplication, with the identity desktops use to match windows to launchers."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    install_translations(app)
    return app  # type: ignore[return-value]


def app_icon() -> QIcon:
    """Every shipped size, so each place (title bar, task switcher, dock) gets a sharp one."""
    from photosift.resources import ResourceNotFoundError, app_icon_files, resource_path

    icon = QIcon()
    try:
        for path in app_icon_files():
            icon.addFile(str(path))
    except ResourceNotFoundError:
        try:
            icon.addFile(str(resource_path("icons/photosift.svg")))
        except ResourceNotFoundError as exc:
            log.warning("%s", exc)
    return icon


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's own strings and PhotoSift's for the user's locale, where a translation exists.

    PhotoSift's .qm files live in resources/translations/photosift_<locale>.qm; without one the
    English source strings (every one passed through tr()) are shown.
    """
    from photosift.resources import ResourceNotFoundError, resource_path

    locale = QLocale()
    installed = []
    qt_translator = QTranslator(app)
    if qt_translator.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    try:
        folder = resource_path("translations")
    except ResourceNotFoundError:
        return installed
    ours = QTranslator(app)
    if ours.load(locale, "photosift", "_", str(folder)):
        app.installTranslator(ours)
        installed.append(ours)
    return installed
