import test from "ava";
import { DeviceMapper } from "../../src/host/storage/dm.js";
import { waitFor } from "../helpers/wait.js";
import { openLab, type LabNode } from "./harness.js";

/**
 * Contract test of the device-mapper adapter (src/host/storage/dm.ts)
 * against the real dmsetup and kernel of a lab guest, over a 64 MiB loop
 * device: create a linear mapping, inspect it (dmsetup info -c, table),
 * remove it. The unit tests' dmsetup outputs are written by hand; this is
 * where they meet the real tool.
 */
let node: LabNode;
let dm: DeviceMapper;
const image = "/var/tmp/alkor-lab-dm.img";
const whole = "alkor-lab-linear";
const part = "alkor-lab-linear-part";
let loopDevice: string | undefined;

/**
 * Waits until the mapping's open count satisfies `wanted`. The guest's udev
 * opens each new mapping for a moment to probe it (blkid), so a count read
 * just after a change is not yet the settled one.
 */
async function openCountComesTo(what: string, name: string, wanted: (openCount: number) => boolean): Promise<void> {
  await waitFor(what, async () => wanted((await dm.info(name))?.openCount ?? -1), { timeoutMs: 30_000, pollMs: 250 });
}

test.before(async () => {
  node = (await openLab()).nodes[0]!;
  dm = new DeviceMapper(node.exec);
  for (const name of [whole, part]) await dm.remove(name).catch(() => undefined);
  await node.exec.run(["truncate", "-s", "64M", image]);
  loopDevice = (await node.exec.run(["losetup", "-f", "--show", image])).stdout.trim();
});

test.after.always(async () => {
  if (node === undefined) return;
  for (const name of [whole, part]) await dm.remove(name).catch(() => undefined);
  if (loopDevice !== undefined) await node.exec.run(["losetup", "-d", loopDevice]).catch(() => undefined);
  await node.exec.run(["rm", "-f", image]).catch(() => undefined);
});

test.serial("a linear mapping over a whole device is created live and writable, with its table and device node", async (t) => {
  const device = loopDevice!;
  const [major, minor] = (await node.exec.run(["stat", "-L", "-c", "%t:%T", device])).stdout.trim().split(":").map((hex) => parseInt(hex, 16));
  t.is(await dm.sizeInSectors(device), 131072);
  await dm.createLinear(whole, device);

  await openCountComesTo("udev to let go of the new mapping", whole, (count) => count === 0);
  const info = await dm.info(whole);
  t.like(info, { name: whole, openCount: 0, live: true, inactiveTable: false, suspended: false, readOnly: false });
  t.true(info!.major > 0);
  t.deepEqual(await dm.table(whole), [{ startSector: 0, lengthSectors: 131072, target: "linear", args: [`${major}:${minor}`, "0"] }]);
  t.true((await dm.list()).some((listed) => listed.name === whole));
  // With DM_DISABLE_UDEV=1 libdevmapper made the node itself.
  await node.exec.run(["test", "-b", `/dev/mapper/${whole}`]);
});

test.serial("a linear mapping of an extent maps exactly that extent", async (t) => {
  await dm.createLinear(part, loopDevice!, { offsetSectors: 2048, lengthSectors: 4096 });
  const [segment] = await dm.table(part);
  t.like(segment, { startSector: 0, lengthSectors: 4096, target: "linear" });
  t.is(segment?.args[1], "2048");
  t.is(await dm.sizeInSectors(`/dev/mapper/${part}`), 4096);
});

test.serial("an open mapping is not removed; a closed one is, and removing it again succeeds", async (t) => {
  // A reader in the background of the guest holds the mapping open for longer than remove
  // retries (about 5 s); the guest agent runs one command at a time, so the holder must not
  // be the command itself, and the shell may return before the reader has opened it.
  await node.exec.run(["sh", "-c", `(exec 3</dev/mapper/${whole}; sleep 20) </dev/null >/dev/null 2>&1 &`]);
  await openCountComesTo("the reader in the guest to open the mapping", whole, (count) => count >= 1);
  await t.throwsAsync(dm.remove(whole), { code: "environment_error", message: /busy/i });
  await openCountComesTo("the reader in the guest to let go of the mapping", whole, (count) => count === 0);

  await dm.remove(whole);
  await dm.remove(part);
  t.is(await dm.info(whole), null);
  await dm.remove(whole);
  await t.throwsAsync(dm.table(whole), { code: "unknown_entity" });
});
