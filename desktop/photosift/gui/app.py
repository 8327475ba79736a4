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
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from photosift import APP_ID, APP_NAME, __version__
from photosift.gui.platform_check import check_display
from photosift.gui.settings import Settings
from photosift.gui.workers import lanes_still_running
from photosift.process_exit import flush_and_exit

if TYPE_CHECKING:
    from photosift.gui.main_window import MainWindow

log = logging.getLogger(__name__)


def run_app(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a PNG needs no display
    check_display()  # one line and exit 1 where Qt would abort for a missing X11 library
    settings = Settings.load()
    app = create_application(settings.language)
    db = getattr(args, "db", None)
    if db is not None:
        settings.db_path = str(Path(db).expanduser())
    model_spec = getattr(args, "model", None)
    folders = [Path(f).expanduser().resolve() for f in getattr(args, "add_folder", None) or []]
    if screenshot:
        from photosift.gui.screenshot import render_screenshot

        query = getattr(args, "screenshot_query", None)
        return render_screenshot(
            settings, Path(screenshot), model_spec=model_spec, query=query, add_folders=folders
        )

    from photosift.gui.main_window import MainWindow

    window = MainWindow(settings, model_spec=model_spec)
    window.show()
    if folders:
        window.add_folders(folders)
    return run_until_quit(app, window)


def run_until_quit(app: QApplication, window: MainWindow) -> NoReturn:
    """The event loop, then a prompt exit: the window's lanes get QUIT_BUDGET_S to stop.

    The process then leaves with os._exit: everything worth keeping is committed (SQLite) or
    saved (settings, window state), while a normal interpreter exit would wait for a lane
    still inside a forward pass or a model load, and then spend seconds tearing down torch.
    """
    app.aboutToQuit.connect(window.shutdown)  # also when quitting without closing the window
    code = app.exec()
    window.shutdown()
    log.info("leaving; %d lane(s) were still busy", lanes_still_running())
    logging.shutdown()
    flush_and_exit(code)


def create_application(language: str | None = None) -> QApplication:
    """The one QApplication, with the identity desktops use to match windows to launchers.

    `language` is Settings.language (e.g. "zh_CN"); None follows the system locale."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    install_translations(app, language)
    return app


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


def install_translations(app: QApplication, language: str | None = None) -> list[QTranslator]:
    """Load Qt's own strings and PhotoSift's for the user's locale, where a translation exists.

    PhotoSift's .qm files live in resources/translations/photosift_<locale>.qm (sources: the
    .ts beside them, refreshed by packaging/update_translations.sh); without one the English
    source strings (every one passed through tr()) are shown. A `language` chosen in Settings
    ("en", "zh_CN") wins over the system locale and also formats dates and numbers.
    """
    from photosift.resources import ResourceNotFoundError, resource_path

    if language:
        QLocale.setDefault(QLocale(language))
    locale = QLocale()
    installed = []
    qt_translator = QTranslator(app)
    if qt_translator.load(
        locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    try:
        folder = resource_path("translations")
    except ResourceNotFoundError:
        return installed
    ours = _ContextFallbackTranslator(app)
    if ours.load(locale, "photosift", "_", str(folder)):
        app.installTranslator(ours)
        installed.append(ours)
    return installed


class _ContextFallbackTranslator(QTranslator):
    """Also finds strings that pyside6-lupdate filed under the empty context.

    lupdate files a `tr("…")` outside a class (menus.py calls the window's `tr` through a local
    name) under the context "", while at run time the window asks under "MainWindow"; looking
    in "" when the class's own context has no entry makes both agree without rewriting callers.
    """

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        found = super().translate(context, source, disambiguation, n)
        return found or super().translate("", source, disambiguation, n) or ""
