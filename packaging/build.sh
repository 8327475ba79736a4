#!/usr/bin/env bash
# Build the double-click PhotoSift bundle (PyInstaller, one folder) from a clean virtual
# environment, then print the build time, the bundle size and what makes it big.
#
#   packaging/build.sh [--cpu-torch] [--reuse-venv] [--venv DIR] [--dist DIR] [--work DIR]
#
# --reuse-venv keep an existing build venv (pip then only adds or updates what changed);
#              without it the venv is deleted and made anew.
# --cpu-torch  install torch/torchvision from PyTorch's CPU-only index first, which leaves out
#              the CUDA libraries (several GB). NOT TESTED HERE: this machine reaches PyPI only.
# Defaults: --venv /tmp/photosift-build-venv --dist /tmp/photosift-dist --work /tmp/photosift-work
# The result is DIST/PhotoSift/photosift; check it with packaging/smoke.sh DIST/PhotoSift.
# Not part of CI: it installs ~6 GB and takes a long time on a small machine.
set -euo pipefail
cd "$(dirname "$0")/.."

CPU_TORCH_INDEX="https://download.pytorch.org/whl/cpu"
venv=/tmp/photosift-build-venv
dist=/tmp/photosift-dist
work=/tmp/photosift-work
cpu_torch=0
reuse_venv=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu-torch) cpu_torch=1 ;;
    --reuse-venv) reuse_venv=1 ;;
    --venv) venv="$2"; shift ;;
    --dist) dist="$2"; shift ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

need_gb=20
free_gb=$(df -Pk "$(dirname "$venv")" | awk 'NR==2 {print int($4 / 1048576)}')
df -h "$(dirname "$venv")"
if [ "$free_gb" -lt "$need_gb" ]; then
  echo "build.sh: only ${free_gb} GB free under $(dirname "$venv"); the build needs about ${need_gb} GB" >&2
  exit 1
fi

start=$(date +%s)
if [ "$reuse_venv" = 1 ] && [ -x "$venv/bin/python" ]; then
  echo "== reusing virtual environment: $venv"
else
  echo "== clean virtual environment: $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi
if [ "$cpu_torch" = 1 ]; then
  echo "== CPU-only torch from $CPU_TORCH_INDEX"
  "$venv/bin/pip" install -q torch torchvision --index-url "$CPU_TORCH_INDEX"
fi
echo "== pip install '.[package]' (PhotoSift, its dependencies, PyInstaller)"
"$venv/bin/pip" install -q '.[package]'
installed=$(date +%s)
"$venv/bin/python" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda)'

echo "== pyinstaller packaging/photosift.spec"
rm -rf "$dist/PhotoSift" "$work"
PYINSTALLER_CONFIG_DIR="$work/config" "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/photosift.spec
built=$(date +%s)

bundle="$dist/PhotoSift"
echo
echo "== bundle: $bundle"
echo "install time: $(( installed - start )) s, pyinstaller time: $(( built - installed )) s, total: $(( built - start )) s"
echo "bundle size: $(du -sh "$bundle" | cut -f1) ($(find "$bundle" -type f | wc -l) files)"
echo "largest folders and files inside it:"
du -ah --max-depth=3 "$bundle/_internal" | sort -rh | sed -n '2,25p'
