import test from "ava";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { findPackageRoot } from "../../../../src/agent/package-root.js";
import { parseQemuImgInfo } from "../../../../src/host/disks/qemu-img-info.js";

const fixtures = join(findPackageRoot(import.meta.url).root, "test", "fixtures", "qemu-img");
const recorded = (name: string) => readFile(join(fixtures, name), "utf8");

test("a recorded raw image gives its virtual size and its sparse actual size", async (t) => {
  t.deepEqual(parseQemuImgInfo(await recorded("info-raw.json")), { format: "raw", virtualSizeBytes: 1024 * 1024 * 1024, actualSizeBytes: 4096, dirty: false });
});

test("a recorded grown qcow2 image gives the size after resize, not the size it was created with", async (t) => {
  t.deepEqual(parseQemuImgInfo(await recorded("info-qcow2-grown.json")), { format: "qcow2", virtualSizeBytes: 3072 * 1024 * 1024, actualSizeBytes: 4464640, dirty: false });
});

test("output without a virtual size is refused, naming the field", async (t) => {
  const text = (await recorded("info-raw.json")).replace(/"virtual-size": \d+,/, "");
  t.throws(() => parseQemuImgInfo(text), { message: /qemu-img info --output=json" cannot be read: virtual-size: / });
});

test("qemu-img's error text instead of JSON is refused as unreadable output", (t) => {
  t.throws(() => parseQemuImgInfo("qemu-img: Could not open 'x': No such file or directory"), { message: /it is not JSON/ });
});
