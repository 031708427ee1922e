# Shared by the alkor-image scripts, which source it. Everything comes in
# the environment, ganeti-os-interface(7) API 20 (see variants.list and
# parameters.list beside this file):
#   blank  create checks that every disk is there and writable, writes nothing
#   image  create writes the image OSP_IMAGE (raw or qcow2, a path on the
#          node) onto disk 0 with qemu-img convert

set -eu
if [ "${DEBUG_LEVEL:-0}" != 0 ]; then set -x; fi

# The first variant listed is the default, as Ganeti exports it.
# shellcheck disable=SC2034 # read by the scripts that source this file
variant=${OS_VARIANT:-blank}

die() {
  echo "alkor-image ${script:-}: $*" >&2
  exit 1
}

# Scripts take no arguments but verify's (ganeti-os-interface(7): a usage message otherwise).
no_arguments() {
  if [ "$#" -gt 0 ]; then
    echo "usage: $script (no arguments; the instance comes in the environment, see ganeti-os-interface(7))" >&2
    case "$1" in -h | --help) exit 0 ;; *) exit 1 ;; esac
  fi
}

# disk_var N FIELD: the value of DISK_<N>_<FIELD>, empty if unset (N is a number we count ourselves).
disk_var() {
  eval "printf '%s' \"\${DISK_$1_$2:-}\""
}

# image_field PATH FIELD [FORMAT]: a top-level number or word of `qemu-img info --output=json`.
# -U reads an image another process holds open; without FORMAT qemu-img probes it.
image_field() {
  if [ -n "${3:-}" ]; then
    qemu-img info -U -f "$3" --output=json "$1"
  else
    qemu-img info -U --output=json "$1"
  fi | sed -n "s/^    \"$2\": \"\{0,1\}\([A-Za-z0-9_.-]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -n 1
}

# Every disk the instance has is there and writable.
check_disks() {
  _count=${DISK_COUNT:-0}
  case "$_count" in '' | *[!0-9]*) die "DISK_COUNT \"$_count\" is not a number" ;; esac
  _i=0
  while [ "$_i" -lt "$_count" ]; do
    _path=$(disk_var "$_i" PATH)
    [ -n "$_path" ] || die "DISK_${_i}_PATH is not set"
    [ -e "$_path" ] || die "disk $_i of instance $INSTANCE_NAME ($_path) does not exist"
    [ -w "$_path" ] || die "disk $_i of instance $INSTANCE_NAME ($_path) is not writable"
    _i=$((_i + 1))
  done
}

# Sets image and image_format from OSP_IMAGE, or dies saying what is wrong with it.
check_image() {
  image=${OSP_IMAGE:-}
  [ -n "$image" ] || die "variant image needs the OS parameter image, the path of a raw or qcow2 image on the node (-O image=PATH)"
  [ -e "$image" ] || die "image $image does not exist on this node"
  [ -f "$image" ] || die "image $image is not a regular file"
  image_format=$(image_field "$image" format)
  case "$image_format" in
    raw | qcow2) ;;
    '') die "image $image cannot be read by qemu-img" ;;
    *) die "image $image is $image_format; only raw and qcow2 images can be written" ;;
  esac
}
