#!/usr/bin/env bash
# Smoke-test a built bundle the way a user's machine would run it: offscreen Qt, no network,
# fresh data folders, and only what is inside the bundle (no checkout on sys.path). Checks:
# bundled files, --version, `models`, `index` + `search` of toy-world photos through the CLI,
# the app's --self-test, and a --screenshot of the main window on that library.
#
#   packaging/smoke.sh [--model FOLDER] [BUNDLE_DIR]
#
# BUNDLE_DIR defaults to /tmp/photosift-dist/PhotoSift (packaging/build.sh's output).
# FOLDER is an open_clip local-dir model; without it the toy-world model is built with the
# repository's Python (`python -m tests.toyworld build`), which takes minutes the first time.
# Runs every check, then exits non-zero if any failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

bundle=/tmp/photosift-dist/PhotoSift
model=""
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$(realpath "$2"); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) bundle="$1" ;;
  esac
  shift
done
bundle=$(realpath "$bundle")
exe="$bundle/photosift"
[ -x "$exe" ] || { echo "smoke: no executable at $exe (run packaging/build.sh first)" >&2; exit 1; }

scratch=$(mktemp -d /tmp/photosift-smoke.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
python=${PYTHON:-$repo/.venv/bin/python}
[ -x "$python" ] || python=python3
if [ -z "$model" ]; then
  model="$scratch/toymodel"
  (cd "$repo" && "$python" -m tests.toyworld build "$model" >/dev/null)
fi
photos="$scratch/photos"
(cd "$repo" && "$python" -m tests.toyworld photos "$photos" --count 24 --size 160x120 >/dev/null)
library="$scratch/library.sqlite3"

export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 PYTHONNOUSERSITE=1
export PHOTOSIFT_DATA_DIR="$scratch/data" PHOTOSIFT_CACHE_DIR="$scratch/cache" \
  PHOTOSIFT_CONFIG_DIR="$scratch/config"
unset PYTHONPATH
cd "$scratch"  # nothing from the checkout can leak in through the working directory

failed=0
check() {  # check NAME COMMAND...: run, time, show the tail of its output, record the verdict
  local name=$1; shift
  local t0 rc
  t0=$(date +%s.%N)
  set +e
  "$@" >"$scratch/out.txt" 2>&1
  rc=$?
  set -e
  printf '%-12s rc=%-3s %6.1f s  %s\n' "$name" "$rc" "$(echo "$(date +%s.%N) - $t0" | bc)" "$*"
  tail -n 5 "$scratch/out.txt" | sed 's/^/    | /'
  if [ "$rc" -ne 0 ]; then failed=1; fi
  return 0
}

check files test -f "$bundle/_internal/resources/icons/photosift.svg" \
  -a -f "$bundle/_internal/resources/io.github.photosift.PhotoSift.desktop" \
  -a -d "$bundle/_internal/open_clip/model_configs" \
  -a -f "$bundle/_internal/open_clip/bpe_simple_vocab_16e6.txt.gz"
check version "$exe" --version
grep -q '^PhotoSift [0-9]' "$scratch/out.txt" || { echo "    version line missing"; failed=1; }
check models "$exe" models --json
check index timeout 900 "$exe" index "$photos" --db "$library" --model "local-dir:$model" --json
grep -q '"indexed": 24' "$scratch/out.txt" || { echo "    expected 24 photos indexed"; failed=1; }
check search timeout 300 "$exe" search "a red circle" --db "$library" --top 3 --json
grep -q "\"path\": \"$photos/" "$scratch/out.txt" || { echo "    no search result"; failed=1; }
grep -o '"path": "[^"]*"' "$scratch/out.txt" | sed 's/^/    top: /'
check self-test timeout 900 "$exe" --self-test --model "local-dir:$model"
check screenshot timeout 300 "$exe" --screenshot "$scratch/window.png" --db "$library" \
  --model "local-dir:$model"
if [ -s "$scratch/window.png" ]; then
  mkdir -p /tmp/photosift-smoke-out && cp "$scratch/window.png" /tmp/photosift-smoke-out/window.png
  echo "    screenshot kept at /tmp/photosift-smoke-out/window.png"
else
  echo "    no screenshot written"; failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "smoke: FAILED"
  exit 1
fi
echo "smoke: all checks passed"
