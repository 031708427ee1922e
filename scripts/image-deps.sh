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

source "$(dirname "$0")/apt-packages.sh"
install_missing_packages image-deps "${apt_packages[@]}"
