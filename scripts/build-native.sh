#!/usr/bin/env bash
# Builds alkor's own native parts into build/native/: the thin client of the
# alkor-* commands (native/alkor-cli.c), and the N-API addon
# native/libvirt-extra.c (the libvirt calls @unraid/libvirt lacks). Needs a C
# compiler, libvirt-dev and pkg-config (scripts/deps.sh), and Node's headers:
# those of the node on PATH (a Node tarball has include/node beside bin/),
# else /usr/include/node. Rebuilds each only when its source or this script changed.
set -euo pipefail
cd "$(dirname "$0")/.."

client=build/native/alkor-cli
if ! { [ -f "$client" ] && [ "$client" -nt native/alkor-cli.c ] && [ "$client" -nt "$0" ]; }; then
  mkdir -p "$(dirname "$client")"
  cc -std=c11 -O2 -Wall -Wextra -o "$client.tmp" native/alkor-cli.c
  mv "$client.tmp" "$client"
  echo "build-native: built $client"
fi

source_file=native/libvirt-extra.c
output=build/native/libvirt-extra.node

if [ -f "$output" ] && [ "$output" -nt "$source_file" ] && [ "$output" -nt "$0" ]; then
  exit 0
fi

node_include=""
if node_bin=$(command -v node); then
  node_prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
  [ -f "$node_prefix/include/node/node_api.h" ] && node_include=$node_prefix/include/node
fi
[ -n "$node_include" ] || node_include=/usr/include/node
if [ ! -f "$node_include/node_api.h" ]; then
  echo "build-native: node_api.h not found (looked beside $(command -v node || echo 'no node') and in /usr/include/node)" >&2
  exit 1
fi

read -r -a libvirt_cflags <<<"$(pkg-config --cflags libvirt)"
read -r -a libvirt_libs <<<"$(pkg-config --libs libvirt)"

mkdir -p "$(dirname "$output")"
# -shared -fPIC: a loadable module; node resolves the napi_* symbols itself at
# dlopen time, so nothing links against libnode.
cc_args=(
  -std=c11 -O2 -Wall -Wextra
  -fPIC -shared
  -DNODE_GYP_MODULE_NAME=libvirt_extra
  -I "$node_include"
  "${libvirt_cflags[@]}"
  -o "$output.tmp"
  "$source_file"
  "${libvirt_libs[@]}"
)
cc "${cc_args[@]}"
mv "$output.tmp" "$output"
echo "build-native: built $output"
