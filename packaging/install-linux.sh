#!/usr/bin/env bash
# Install a built PhotoSift bundle for one user on a Linux desktop, so it appears in the
# application menu with its icon (freedesktop menu and icon-theme conventions).
#
#   packaging/install-linux.sh [--prefix DIR] [BUNDLE_DIR]     install or update
#   packaging/install-linux.sh [--prefix DIR] --uninstall       remove again
#
# BUNDLE_DIR defaults to /tmp/photosift-dist/PhotoSift; DIR defaults to ~/.local, which puts
# the app in ~/.local/opt/PhotoSift, a `photosift` link in ~/.local/bin, the menu entry in
# ~/.local/share/applications and the icons in ~/.local/share/icons/hicolor. For every user,
# run it as root with --prefix /usr/local (the app then lives in /usr/local/opt/PhotoSift).
set -euo pipefail

APP_ID=io.github.photosift.PhotoSift
prefix="$HOME/.local"
bundle=/tmp/photosift-dist/PhotoSift
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift ;;
    --uninstall) uninstall=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) bundle="$1" ;;
  esac
  shift
done

prefix=$(realpath -m "$prefix")
bundle=$(realpath -m "$bundle")
res="$bundle/_internal/resources"  # the bundle's own copy of resources/: installs what it ships
app_dir="$prefix/opt/PhotoSift"
bin_link="$prefix/bin/photosift"
share="$prefix/share"
desktop_file="$share/applications/$APP_ID.desktop"
metainfo="$share/metainfo/$APP_ID.metainfo.xml"
icon_sizes="16 32 48 64 128 256 512"

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -rf "$app_dir"
  rm -f "$bin_link" "$desktop_file" "$metainfo" "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
  for size in $icon_sizes; do
    rm -f "$share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
  done
  refresh_caches
  echo "PhotoSift removed from $prefix (your library and settings are kept)."
  exit 0
fi

[ -x "$bundle/photosift" ] || { echo "install-linux: no executable at $bundle/photosift" >&2; exit 1; }

mkdir -p "$prefix/opt" "$prefix/bin" "$share/applications" "$share/metainfo"
rm -rf "$app_dir.new"
cp -a "$bundle" "$app_dir.new"
rm -rf "$app_dir"
mv "$app_dir.new" "$app_dir"
ln -sfn "$app_dir/photosift" "$bin_link"

# The menu entry names the executable by absolute path (~/.local/bin is not on every desktop
# session's PATH); Exec quotes it in case the path has spaces, TryExec takes it unquoted.
exe_sed=$(printf '%s' "$app_dir/photosift" | sed 's/[&|\\]/\\&/g')
sed -e "s|^Exec=photosift|Exec=\"$exe_sed\"|" -e "s|^TryExec=photosift|TryExec=$exe_sed|" \
  "$res/$APP_ID.desktop" >"$desktop_file"
cp "$res/$APP_ID.metainfo.xml" "$metainfo"
for size in $icon_sizes; do
  install -D -m 644 "$res/icons/hicolor/${size}x${size}/apps/$APP_ID.png" \
    "$share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
install -D -m 644 "$res/icons/photosift.svg" "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
refresh_caches
echo "PhotoSift installed in $app_dir; start it from the application menu or with: $bin_link"
