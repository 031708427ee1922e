// Real output of util-linux 2.38.1 (Debian 12) with LC_ALL=C, on 128 MiB loop
// devices of a machine without udev, except where marked unverified. Note that
// lsblk's FSTYPE and PTTYPE are null here even for an LVM label or ext4 (they
// come from udev's database); wipefs probes the device itself and finds them.

/** lsblk -J -b -o NAME,TYPE,SIZE,FSTYPE,PTTYPE,MOUNTPOINT /dev/loop0 (an LVM physical volume) */
export const lsblkBlankLooking = String.raw`{
   "blockdevices": [
      {
         "name": "loop0",
         "type": "loop",
         "size": 134217728,
         "fstype": null,
         "pttype": null,
         "mountpoint": null
      }
   ]
}
`;

/** The same for loop2 holding a mounted ext4 filesystem. */
export const lsblkMounted = String.raw`{
   "blockdevices": [
      {
         "name": "loop2",
         "type": "loop",
         "size": 134217728,
         "fstype": null,
         "pttype": null,
         "mountpoint": "/tmp/rec/mnt"
      }
   ]
}
`;

/**
 * Unverified (hand-written from lsblk(8); partitions nest under "children"):
 * a data disk with a GPT and a mounted partition on a machine with udev.
 */
export const lsblkPartitioned = String.raw`{
   "blockdevices": [
      {
         "name": "vdc",
         "type": "disk",
         "size": 1073741824,
         "fstype": null,
         "pttype": "gpt",
         "mountpoint": null,
         "children": [
            {
               "name": "vdc1",
               "type": "part",
               "size": 33554432,
               "fstype": "vfat",
               "pttype": "gpt",
               "mountpoint": null
            },{
               "name": "vdc2",
               "type": "part",
               "size": 1038073856,
               "fstype": "ext4",
               "pttype": "gpt",
               "mountpoint": "/srv/data"
            }
         ]
      }
   ]
}
`;

/** wipefs --no-act --json /dev/loop0: an LVM physical volume. */
export const wipefsLvmLabel = String.raw`{
   "signatures": [
      {
         "device": "loop0",
         "offset": "0x218",
         "type": "LVM2_member",
         "uuid": "PSpiYo-i3XX-nNi5-u1LK-vYuZ-o140-B23j20",
         "label": null
      }
   ]
}
`;

/** wipefs --no-act --json /dev/loop2 after mkfs.ext4 -L data. */
export const wipefsExt4 = String.raw`{
   "signatures": [
      {
         "device": "loop2",
         "offset": "0x438",
         "type": "ext4",
         "uuid": "40563d6a-ba7a-487e-ae4a-db3083aeaa90",
         "label": "data"
      }
   ]
}
`;

/** wipefs --no-act --json /dev/loop2 after sfdisk wrote a GPT: the primary and backup tables and the protective MBR. */
export const wipefsGpt = String.raw`{
   "signatures": [
      {
         "device": "loop2",
         "offset": "0x200",
         "type": "gpt",
         "uuid": null,
         "label": null
      },{
         "device": "loop2",
         "offset": "0x7fffe00",
         "type": "gpt",
         "uuid": null,
         "label": null
      },{
         "device": "loop2",
         "offset": "0x1fe",
         "type": "PMBR",
         "uuid": null,
         "label": null
      }
   ]
}
`;

/** wipefs --no-act --json of a blank device. */
export const wipefsBlank = String.raw`{
   "signatures": [

   ]
}
`;
