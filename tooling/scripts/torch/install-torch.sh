#!/usr/bin/env bash
# Installs Debian's PyTorch (python3-torch, 1.13 CPU) for /usr/bin/python3: the peer of
# `pnpm bench`'s LeNet rows, the maker of tooling/golden's reference files and the reader of
# load-lenet-checkpoint.py. Nothing else needs it: the bench skips its PyTorch rows with a note
# when it is missing, and no test imports it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt_get() {
  if [ "$(id -u)" -eq 0 ]; then apt-get "$@"; else sudo -n apt-get "$@"; fi
}
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "install-torch: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)') is already there"
  exit 0
fi
apt_get update -qq
apt_get install -y -qq python3-torch >/dev/null
/usr/bin/python3 -c 'import torch; print("install-torch: installed torch", torch.__version__)'
