// Unverified: this machine has no device-mapper, so these are written from
// dmsetup's source (lvm2 tools/dmsetup.c: the report's ":" separator, the
// attr field of _dm_info_status_disp) and dmsetup(8). test/lab/storage-dm.test.ts
// runs the adapter against the real dmsetup in a lab guest.

/** dmsetup info -c --noheadings --separator : -o name,open,attr,major,minor alkor-lab-linear */
export const infoOneDevice = "alkor-lab-linear:0:L--w:253:2\n";

/** The same without a name: every device, LVM's too ("--" escapes a dash in LVM's names). */
export const infoAllDevices = ["alkor-vm1--disk0:1:L--w:253:0", "alkor-vm2--disk0:0:L--w:253:1", "alkor-lab-linear:0:L-sr:253:2", "alkor-lab-loading:0:-I-w:253:3", ""].join("\n");

/** The same with no device at all. */
export const infoNoDevices = "No devices found\n";

/** dmsetup info -c ... nosuch: exit status 1. */
export const infoMissingStderr = "Device does not exist.\nCommand failed.";

/** dmsetup table alkor-lab-linear: 64 MiB of 254:16 from sector 2048 on. */
export const tableLinear = "0 131072 linear 254:16 2048\n";

/** dmsetup table of a device mapping two extents of two disks. */
export const tableTwoSegments = "0 204800 linear 254:16 2048\n204800 409600 linear 254:32 0\n";
