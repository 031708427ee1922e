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

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "lab-deps: installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  # No recommends: qemu-system-x86 would otherwise pull in a desktop's worth
  # of display and audio libraries the lab never uses (it runs -display none).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "lab-deps: $(qemu-system-x86_64 --version | head -n 1); $(ipmitool -V)"
