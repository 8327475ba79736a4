#!/usr/bin/env bash
# Start the installed app under a real X server (Xvfb, QT_QPA_PLATFORM=xcb) with a fresh HOME,
# add a folder of generated photos through its command line, save a screenshot of the real
# window and check that it shows thumbnails. Proves what pytest-qt's offscreen widgets cannot:
# the installed `photosift` starts on X11 (every Qt library present) and shows photos.
#
#   packaging/xvfb_smoke.sh [--photosift CMD] [--python PY] [--model SPEC] [--out DIR]
#
# CMD defaults to `photosift` on PATH, PY (for the generated photos and toy model, run from
# the repository root) to `python3`; without --model the toy model is built (from its cache).
# Needs Xvfb (Debian/Ubuntu: apt install xvfb). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

photosift=photosift
python=python3
model=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --photosift) photosift=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "xvfb-smoke: unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/photosift-xvfb.XXXXXX)
out=${out:-$work}
mkdir -p "$work/home" "$out"
xvfb_pid=""
cleanup() {
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
  rm -rf "$work/home" "$work/photos"
}
trap cleanup EXIT

"$python" -m tests.toyworld photos "$work/photos" --count 24 --size 320x240 >/dev/null
if [ -z "$model" ]; then
  model="local-dir:$("$python" -m tests.toyworld build "$work/model" | tail -n 1)"
fi

# A display number nobody uses; Xvfb writes its socket when it is ready.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x1024x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -S "/tmp/.X11-unix/X$display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; echo "xvfb-smoke: Xvfb did not start" >&2; exit 1; }
  sleep 0.1
done

shot="$out/xvfb-window.png"
start=$(date +%s)
# A fresh HOME and no PhotoSift/XDG overrides: the app's first start, as a new user has it.
# $photosift is left unquoted on purpose: it may be a command with arguments (python -m photosift).
log=$(env -u PHOTOSIFT_DATA_DIR -u PHOTOSIFT_CACHE_DIR -u PHOTOSIFT_CONFIG_DIR \
  -u XDG_DATA_HOME -u XDG_CACHE_HOME -u XDG_CONFIG_HOME -u WAYLAND_DISPLAY \
  HOME="$work/home" DISPLAY=":$display" QT_QPA_PLATFORM=xcb \
  timeout 600 $photosift --add-folder "$work/photos" --model "$model" --screenshot "$shot" 2>&1) || {
    echo "$log" >&2; echo "xvfb-smoke: photosift failed" >&2; exit 1; }
echo "$log"
case "$log" in *"some parts had not loaded"*) echo "xvfb-smoke: the window had not finished loading" >&2; exit 1 ;; esac
"$python" packaging/screenshot_check.py "$shot" --min-thumbnails 6
echo "xvfb-smoke: ok in $(( $(date +%s) - start )) s; screenshot $shot"
