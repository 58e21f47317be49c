#!/usr/bin/env bash
# System packages CI needs beyond Node, installed by .ci/run before `pnpm install`: Debian's
# chromium for the docs' browser tests (required), the Vulkan loader libvulkan1 for the WebGPU
# tests in Node (required: the `webgpu` package's Dawn runs on chromium's SwiftShader driver,
# /usr/lib/chromium/vk_swiftshader_icd.json, through it), a CJK font so that the screenshots
# of the Chinese pages are legible (optional), and Debian's dataset-fashion-mnist, the full
# Fashion-MNIST in /usr/share/datasets/fashion-mnist (optional: without it the tests and the
# examples use the subset in apps/examples/assets/fashion-mnist, and their output says so).
# Exits non-zero when chromium or libvulkan1 cannot be installed.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt_get() {
  if [ "$(id -u)" -eq 0 ]; then apt-get "$@"; else sudo -n apt-get "$@"; fi
}

# Not `grep -q`: it stops reading at the first match, ldconfig then dies of SIGPIPE, and under
# pipefail the loader would look missing even when it is installed.
has_vulkan() { ldconfig -p | grep 'libvulkan\.so\.1 ' >/dev/null; }

need_chromium=false
need_vulkan=false
need_font=false
need_fashion=false
[ -x /usr/bin/chromium ] || need_chromium=true
has_vulkan || need_vulkan=true
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_font=true
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need_fashion=true
if ! $need_chromium && ! $need_vulkan && ! $need_font && ! $need_fashion; then
  exit 0
fi

if ! apt_get update -qq; then
  echo "ci-system-deps: apt-get update failed" >&2
  if $need_chromium || $need_vulkan; then exit 1; else exit 0; fi
fi
if $need_chromium; then
  apt_get install -y -qq chromium >/dev/null
  if [ ! -x /usr/bin/chromium ]; then
    echo "ci-system-deps: apt-get installed chromium, but /usr/bin/chromium is missing" >&2
    exit 1
  fi
fi
if $need_vulkan; then
  apt_get install -y -qq --no-install-recommends libvulkan1 >/dev/null
  if ! has_vulkan; then
    echo "ci-system-deps: apt-get installed libvulkan1, but libvulkan.so.1 is not found" >&2
    exit 1
  fi
fi
if $need_font; then
  apt_get install -y -qq fonts-wqy-microhei >/dev/null ||
    echo "ci-system-deps: could not install fonts-wqy-microhei; Chinese screenshots will lack glyphs" >&2
fi
if $need_fashion; then
  apt_get install -y -qq dataset-fashion-mnist >/dev/null ||
    echo "ci-system-deps: could not install dataset-fashion-mnist; tests use the embedded Fashion-MNIST subset" >&2
fi
