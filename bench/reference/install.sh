#!/usr/bin/env bash
# Creates (once) the pinned venv of the reference side of `drelu bench --against pytorch`.
# Usage: bash bench/reference/install.sh VENV_DIR
# Idempotent: returns at once when VENV_DIR already holds exactly these requirements (a stamp
# with the requirements' sha256 is written last, so a half-finished install is redone).
# Cost on the 2-core machine: ~2.5 GB downloaded, ~4.5 GB on disk, ~2-4 minutes.
set -euo pipefail
venv=${1:?usage: install.sh VENV_DIR}
here=$(cd "$(dirname "$0")" && pwd)
req=$here/requirements.txt
want=$(sha256sum "$req" | cut -d' ' -f1)
stamp=$venv/.drelu-requirements.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python=${DRELU_BENCH_PYTHON:-python3}
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$req"
# fails loudly here, not in the middle of a benchmark, if a library is missing
"$venv/bin/python" -c 'import torch, torchattacks, numpy; torch.zeros(1).sum()'
echo "$want" > "$stamp"
