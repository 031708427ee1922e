#!/usr/bin/env bash
# Installs the Debian packages that make image (image/build.sh) needs on the
# build machine. Idempotent: a second run changes nothing. Node, npm and
# esbuild come from scripts/deps.sh (make build runs it first).
set -euo pipefail

apt_packages=(
  debootstrap             # the image's Debian base
  debian-archive-keyring  # debootstrap checks the archive's signature with it
  gpgv                    #   and this
  e2fsprogs               # mkfs.ext4 -d: the root file system without a loop device
  util-linux              # flock, mount (the build chroot's /proc, /sys, /dev)
  git                     # the commit and its date (SOURCE_DATE_EPOCH)
  ca-certificates         # npm over TLS (the Node runtime package)
  xz-utils                # vmlinux: the kernel unpacked from the bzImage
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "image-deps: installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
