// Real output of LVM 2.03.16 (Debian 12) with LC_ALL=C, on a 128 MiB loop
// device holding VG "alkor" tagged alkor (4 MiB extents). This machine has no
// device-mapper, so volumes were made with `lvcreate --driverloaded n -an -Zn -Wn`
// and grown with `lvextend --driverloaded n`: their state character is "X".
// The real run of PlainDiskStore belongs in the lab tier (test/lab/).

export const diskUuid = "6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34";

/** lvs ... alkor/<uuid>.disk0 after lvcreate -L 33554432b. */
export const lvsDisk0 = String.raw`  {
      "report": [
          {
              "lv": [
                  {"lv_name":"6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk0", "vg_name":"alkor", "lv_size":"33554432", "lv_attr":"-wi-XX----", "lv_tags":"alkor", "lv_path":"/dev/alkor/6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk0"}
              ]
          }
      ]
  }
`;

/** lvs ... alkor/<uuid>.disk1 after lvcreate -L 10485760b: "Rounding up size to full physical extent 12.00 MiB". */
export const lvsDisk1Rounded = String.raw`  {
      "report": [
          {
              "lv": [
                  {"lv_name":"6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk1", "vg_name":"alkor", "lv_size":"12582912", "lv_attr":"-wi-XX----", "lv_tags":"alkor", "lv_path":"/dev/alkor/6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk1"}
              ]
          }
      ]
  }
`;

/** vgs ... alkor with disk0 (32 MiB) and disk1 (12 MiB). */
export const vgsWithTwoDisks = String.raw`  {
      "report": [
          {
              "vg": [
                  {"vg_name":"alkor", "vg_size":"130023424", "vg_free":"83886080", "vg_tags":"alkor", "pv_count":"1", "lv_count":"2"}
              ]
          }
      ]
  }
`;

/** lvs ... alkor/<uuid>.disk1 after lvremove: exit status 5. */
export const lvsMissingDisk1Stderr = `  Failed to find logical volume "alkor/6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk1"`;

/** vgs ... alkor when there is no such group: exit status 5. */
export const vgsMissingAlkorStderr = `  Volume group "alkor" not found
  Cannot process volume group alkor`;

/** lvcreate of a name that exists: exit status 5. */
export const lvcreateExistsStderr = `  Logical Volume "6f1c7a52-3c1e-4b8e-9d0a-2f5b7c9e1a34.disk0" already exists in volume group "alkor"`;

/** lvextend -L 67108864b of a 64 MiB volume: exit status 5. */
export const lvextendSameSizeStderr = `  New size (16 extents) matches existing size (16 extents).`;

/** lvextend -L 1067108864b with 12 extents free: exit status 5. */
export const lvextendInsufficientStderr = `  Rounding size to boundary between physical extents: 1020.00 MiB.
  Insufficient free space: 239 extents needed, but only 12 available`;
