#!/usr/bin/env bash
# Installs what the real-libvirt integration test (test/integration/hypervisor/
# qemu-boot.test.ts) runs on the host: a libvirtd with its qemu driver and
# virtlogd, virsh, qemu (TCG: no usable /dev/kvm here), and the tools its
# helpers use, and makes sure apt's lists are there, since
# test/helpers/tiny-guest.ts looks up and downloads Debian's kernel and
# busybox-static packages (apt-get download: nothing of theirs is installed).
# Idempotent: a second run changes nothing.
#
# Not libvirt-daemon-system: it would pull in a newer systemd, and the test
# needs none of it (its libvirt-qemu user, units, default network); the
# test's private libvirtd brings its own config (test/helpers/private-libvirtd.ts).
set -euo pipefail

apt_packages=(
  libvirt-daemon              # libvirtd, virtlogd
  libvirt-daemon-driver-qemu  # libvirtd's qemu driver (qemu:///system)
  libvirt-clients             # virsh, and /etc/libvirt that the private daemon binds over
  qemu-system-x86             # qemu-system-x86_64, run by libvirt with -accel tcg
  util-linux                  # unshare: the private daemon's own mount namespace
  mount                       # mount --bind and tmpfs inside that namespace
  xz-utils                    # xz: unpacks vmlinux from Debian's bzImage (PVH boot, twice as fast under TCG)
  tar                         # one file out of a .deb's data, with dpkg-deb
)

# No recommends: libvirt-daemon recommends libvirt-daemon-system (see above),
# and qemu-system-x86 a desktop's worth of display and audio libraries.
source "$(dirname "$0")/apt-packages.sh"
install_missing_packages qemu-test-deps "${apt_packages[@]}"

# apt-cache and apt-get download need apt's lists, which a fresh image may lack.
if ! apt-cache show --no-all-versions linux-image-amd64 busybox-static > /dev/null 2>&1; then
  echo "qemu-test-deps: apt's lists lack linux-image-amd64 or busybox-static; refreshing them"
  as_root apt-get update -q
fi
echo "qemu-test-deps: $(libvirtd --version); $(qemu-system-x86_64 --version | head -n 1)"
