// Real output of LVM 2.03.16 (Debian 12) with LC_ALL=C, on 128 MiB loop devices:
// VG "alkortest" tagged alkor on loop0 and loop1, loop2 an orphan PV, then a
// PV of an untagged VG "foreign". This machine has no device-mapper, so the LVs
// were made with `lvcreate --driverloaded n -an`: their state character is "X"
// (unknown). The active-LV listing below is written by hand from lvs(8)
// (unverified against a real kernel; test/lab/storage-lvm.test.ts checks it).

/** pvs --reportformat json --units b --nosuffix -o pv_name,vg_name,pv_size,pv_free,pv_tags,vg_tags */
export const pvsWithOrphan = String.raw`  {
      "report": [
          {
              "pv": [
                  {"pv_name":"/dev/loop0", "vg_name":"alkortest", "pv_size":"130023424", "pv_free":"29360128", "pv_tags":"", "vg_tags":"alkor"},
                  {"pv_name":"/dev/loop1", "vg_name":"alkortest", "pv_size":"130023424", "pv_free":"130023424", "pv_tags":"", "vg_tags":"alkor"},
                  {"pv_name":"/dev/loop2", "vg_name":"", "pv_size":"134217728", "pv_free":"134217728", "pv_tags":"", "vg_tags":""}
              ]
          }
      ]
  }
`;

/** The same after `vgcreate foreign /dev/loop2` (no tag). */
export const pvsWithForeignGroup = String.raw`  {
      "report": [
          {
              "pv": [
                  {"pv_name":"/dev/loop0", "vg_name":"alkortest", "pv_size":"130023424", "pv_free":"29360128", "pv_tags":"", "vg_tags":"alkor"},
                  {"pv_name":"/dev/loop1", "vg_name":"alkortest", "pv_size":"130023424", "pv_free":"130023424", "pv_tags":"", "vg_tags":"alkor"},
                  {"pv_name":"/dev/loop2", "vg_name":"foreign", "pv_size":"130023424", "pv_free":"130023424", "pv_tags":"", "vg_tags":""}
              ]
          }
      ]
  }
`;

/** vgs --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free,vg_tags,pv_count,lv_count alkortest (no LV yet) */
export const vgsEmptyGroup = String.raw`  {
      "report": [
          {
              "vg": [
                  {"vg_name":"alkortest", "vg_size":"260046848", "vg_free":"260046848", "vg_tags":"alkor", "pv_count":"2", "lv_count":"0"}
              ]
          }
      ]
  }
`;

/** The same with two LVs. */
export const vgsGroupWithVolumes = String.raw`  {
      "report": [
          {
              "vg": [
                  {"vg_name":"alkortest", "vg_size":"260046848", "vg_free":"159383552", "vg_tags":"alkor", "pv_count":"2", "lv_count":"2"}
              ]
          }
      ]
  }
`;

/** vgs ... nosuchvg: exit status 5, stdout an empty report, stderr below. */
export const vgsMissingGroupStdout = String.raw`  {
      "report": [
          {
              "vg": [
              ]
          }
      ]
  }
`;
export const vgsMissingGroupStderr = `  Volume group "nosuchvg" not found
  Cannot process volume group nosuchvg`;

/** lvs ... alkortest/nosuch: exit status 5. */
export const lvsMissingVolumeStderr = `  Failed to find logical volume "alkortest/nosuch"`;

/** lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size,lv_attr,lv_tags,lv_path alkortest */
export const lvsTwoVolumes = String.raw`  {
      "report": [
          {
              "lv": [
                  {"lv_name":"v1", "vg_name":"alkortest", "lv_size":"67108864", "lv_attr":"-wi-XX----", "lv_tags":"alkor", "lv_path":"/dev/alkortest/v1"},
                  {"lv_name":"v2", "vg_name":"alkortest", "lv_size":"33554432", "lv_attr":"-wi-XX----", "lv_tags":"", "lv_path":"/dev/alkortest/v2"}
              ]
          }
      ]
  }
`;

/** Unverified (hand-written from lvs(8)): one active and open LV, one inactive, on a real kernel. */
export const lvsActiveAndInactive = String.raw`  {
      "report": [
          {
              "lv": [
                  {"lv_name":"vm1-disk0", "vg_name":"alkor", "lv_size":"268435456", "lv_attr":"-wi-ao----", "lv_tags":"alkor", "lv_path":"/dev/alkor/vm1-disk0"},
                  {"lv_name":"vm2-disk0", "vg_name":"alkor", "lv_size":"67108864", "lv_attr":"-wi-------", "lv_tags":"alkor,vm2", "lv_path":"/dev/alkor/vm2-disk0"}
              ]
          }
      ]
  }
`;

/** pvcreate -qq /dev/loop2 over an ext4 filesystem: exit status 5 (-qq answered the prompt with "n"). */
export const pvcreateOverExt4Stderr = `WARNING: ext4 signature detected on /dev/loop2 at offset 1080. Wipe it? [y/n]: [n]
  Aborted wiping of ext4.
  1 existing signature left on the device.`;
