#!/usr/bin/env bash
# Installs what the qemu lab (make lab, make lab-test) runs on the host, from
# Debian: qemu (TCG only here, see shared/LAB-NOTES.md) and qemu-img for the
# overlays, ipmi_sim (openipmi) as each node's BMC, ipmitool to talk to it,
# ip for the namespace, bridge and taps, nft. Idempotent: a second run
# changes nothing.
set -euo pipefail

apt_packages=(
  qemu-system-x86   # the lab nodes, qemu -accel tcg
  qemu-utils        # qemu-img: per-node overlays and data disks
  openipmi          # ipmi_sim: one simulated BMC per node
  ipmitool          # chassis power on/off/reset over IPMI LAN
  iproute2          # ip netns, bridge, tuntap
  nftables          # nft, for partitions inside the lab's namespace
)

# No recommends: qemu-system-x86 would otherwise pull in a desktop's worth of
# display and audio libraries the lab never uses (it runs -display none).
source "$(dirname "$0")/apt-packages.sh"
install_missing_packages lab-deps "${apt_packages[@]}"
echo "lab-deps: $(qemu-system-x86_64 --version | head -n 1); $(ipmitool -V)"
