#!/usr/bin/env bash
# image/base.sh DIR: the image's Debian base in DIR (called by image/build.sh,
# which caches DIR under the hash of this file, packages.txt and
# dpkg-excludes.cfg): debootstrap's minbase of bookworm, then the packages of
# image/packages.txt with --no-install-recommends, Debian's kernel and its
# initramfs included. Nothing of alkor goes in here, so a change to alkor does
# not fetch and install Debian again.
#
# Environment: ALKOR_DEBIAN_MIRROR (debootstrap's default when unset),
# ALKOR_DEBIAN_SECURITY_MIRROR (derived from the mirror when unset),
# ALKOR_IMAGE_CACHE (where downloaded .debs are kept between builds).
set -euo pipefail

root=$1
suite=bookworm
here=$(cd "$(dirname "$0")" && pwd)
debs=${ALKOR_IMAGE_CACHE:-$here/../.image/cache}/debs
mkdir -p "$debs"

mounts=()
unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  mounts=()
}
trap unmount_all EXIT

# A build killed before its clean-up leaves its mounts (/dev, /proc, the .deb
# cache) inside the root: never delete through them.
awk -v dir="$root/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n 1 umount -l
rm -rf --one-file-system "$root"
echo "image: debootstrap $suite (minbase)"
# shellcheck disable=SC2086
debootstrap --variant=minbase --cache-dir="$debs" "$suite" "$root" ${ALKOR_DEBIAN_MIRROR:-}

mirror=$(awk '$1 == "deb" { print $2; exit }' "$root/etc/apt/sources.list")
security=${ALKOR_DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF

install -m 0644 "$here/dpkg-excludes.cfg" "$root/etc/dpkg/dpkg.cfg.d/alkor-excludes"
# No daemon starts inside the build chroot.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# The initramfs holds most storage drivers (virtio for the lab, SATA, SAS,
# NVMe for real nodes): the build machine's hardware says nothing about a node's.
mkdir -p "$root/etc/initramfs-tools/conf.d"
printf 'MODULES=most\nCOMPRESS=zstd\n' > "$root/etc/initramfs-tools/conf.d/alkor.conf"
# Before the kernel's package, so that its initramfs has the blacklist too.
install -D -m 0644 "$here/modprobe-blacklist.conf" "$root/etc/modprobe.d/alkor-blacklist.conf"

mount -t proc proc "$root/proc"; mounts+=("$root/proc")
mount -t sysfs sysfs "$root/sys"; mounts+=("$root/sys")
mount --bind /dev "$root/dev"; mounts+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts"; mounts+=("$root/dev/pts")
mount --bind "$debs" "$root/var/cache/apt/archives"; mounts+=("$root/var/cache/apt/archives")

mapfile -t packages < <(sed 's/#.*//' "$here/packages.txt" | awk 'NF { print $1 }' | sort)
echo "image: installing ${#packages[@]} packages: ${packages[*]}"
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
  SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-}" \
  sh -c 'apt-get update -q && apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@" &&
         apt-get upgrade -y -q -o Dpkg::Use-Pty=0' apt "${packages[@]}"

unmount_all
rm -f "$root/usr/sbin/policy-rc.d"

# What debootstrap unpacked before the excludes were in place.
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root/usr/share/man"/* "$root/usr/share/info"/* "$root/usr/share/lintian"/*
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
# Package lists and caches: rebuilt by apt-get update when ever needed.
rm -rf "$root/var/lib/apt/lists"/* "$root/var/cache/apt"/*.bin "$root/var/cache/apt/archives"/*.deb
echo "image: base ready in $root ($(du -sh "$root" | cut -f1))"
