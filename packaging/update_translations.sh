#!/usr/bin/env bash
# Refresh the interface translations after any change to a tr() string (e.g. after merging
# branches): pyside6-lupdate collects every tr() string of the GUI into each
# resources/translations/photosift_<locale>.ts (keeping the translations already there, adding
# new strings as "unfinished", dropping strings no longer used), then pyside6-lrelease compiles
# each .ts to the .qm the app loads. Both tools come with the PySide6-Essentials wheel.
#
#   bash packaging/update_translations.sh
#
# Then translate the new entries (Qt Linguist: pyside6-linguist FILE.ts, or edit the XML),
# run this script again to compile, and commit the .ts and .qm files.
# tests/gui/test_translations.py fails while a tr() string has no finished zh_CN translation.
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=${LUPDATE:-pyside6-lupdate}
lrelease=${LRELEASE:-pyside6-lrelease}
mapfile -t sources < <(find desktop/photosift/gui -name '*.py' | LC_ALL=C sort)
for ts in resources/translations/photosift_*.ts; do
  "$lupdate" -no-obsolete -locations none "${sources[@]}" -ts "$ts"
  "$lrelease" "$ts" -qm "${ts%.ts}.qm"
done
