import test from "ava";
import { join } from "node:path";
import { AlkorError } from "../../../../src/model/errors.js";
import { collectInventory, type Inventory } from "../../../../src/host/hw/inventory.js";
import { fsProfileFiles } from "../../../../src/host/hw/profile-files.js";
import { HardwareProfileSchema, loadProfiles, matchProfile } from "../../../../src/host/hw/profile.js";
import { recordedSystemInfo } from "../../../../src/host/hw/systeminformation-source.js";
import { loadRecording, repoRoot } from "../../../fixtures/systeminformation/load.js";

async function inventoryOf(name: string): Promise<Inventory> {
  return collectInventory(recordedSystemInfo(await loadRecording(name)));
}

const shippedProfiles = () => loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles);

function withDmi(manufacturer: string, model: string, sku = ""): Promise<Inventory> {
  return collectInventory(recordedSystemInfo({})).then((inventory) => ({
    ...inventory,
    system: { ...inventory.system, manufacturer, model, sku },
  }));
}

const profile = (input: unknown) => HardwareProfileSchema.parse(input);

test("a Dell PowerEdge R640 gets the dell-poweredge-r640 profile", async (t) => {
  const match = matchProfile(await inventoryOf("dell-r640-synthetic"), await shippedProfiles());
  t.is(match.profile.name, "dell-poweredge-r640");
  t.is(match.reason, 'Profile "dell-poweredge-r640" (priority 10): manufacturer is "Dell Inc.", model is "PowerEdge R640".');
});

test("a QEMU lab node gets the qemu-lab profile", async (t) => {
  const match = matchProfile(await inventoryOf("qemu-lab-synthetic"), await shippedProfiles());
  t.is(match.profile.name, "qemu-lab");
});

test("this machine, with sparse DMI, gets the generic profile", async (t) => {
  const match = matchProfile(await inventoryOf("this-machine"), await shippedProfiles());
  t.is(match.profile.name, "generic");
  t.is(match.reason, 'Profile "generic" (priority -1000): it matches any hardware.');
});

test("a higher priority wins over a more specific match", async (t) => {
  const profiles = [
    profile({ name: "exact", match: { manufacturer: "Dell Inc.", model: "PowerEdge R640" } }),
    profile({ name: "site-override", match: { manufacturer: { regex: "^Dell" }, priority: 5 } }),
  ];
  t.is(matchProfile(await withDmi("Dell Inc.", "PowerEdge R640"), profiles).profile.name, "site-override");
});

test("at equal priority the more specific match wins, an exact field counting more than a regex", async (t) => {
  const profiles = [
    profile({ name: "a-any-dell", match: { manufacturer: "Dell Inc." } }),
    profile({ name: "b-r6x0", match: { manufacturer: "Dell Inc.", model: { regex: "^PowerEdge R6\\d0$" } } }),
    profile({ name: "c-r640", match: { manufacturer: "Dell Inc.", model: "PowerEdge R640" } }),
  ];
  t.is(matchProfile(await withDmi("Dell Inc.", "PowerEdge R640"), profiles).profile.name, "c-r640");
  t.is(matchProfile(await withDmi("Dell Inc.", "PowerEdge R650"), profiles).profile.name, "b-r6x0");
  t.is(matchProfile(await withDmi("Dell Inc.", "PowerEdge R740"), profiles).profile.name, "a-any-dell");
});

test("equally good matches are decided by name, not by the order of the files", async (t) => {
  const first = profile({ name: "alpha", match: { manufacturer: "ACME" } });
  const second = profile({ name: "beta", match: { manufacturer: "ACME" } });
  const inventory = await withDmi("ACME", "Box");
  t.is(matchProfile(inventory, [second, first]).profile.name, "alpha");
  t.is(matchProfile(inventory, [first, second]).profile.name, "alpha");
});

test("a regex match may ignore case and matches the SKU too", async (t) => {
  const profiles = [
    profile({ name: "generic" }),
    profile({ name: "r640-sku", match: { sku: { regex: "modelname=poweredge r640", ignoreCase: true } } }),
  ];
  const match = matchProfile(await inventoryOf("dell-r640-synthetic"), profiles);
  t.is(match.profile.name, "r640-sku");
  t.regex(match.reason, /sku "SKU=NotProvided;ModelName=PowerEdge R640" matches \/modelname=poweredge r640\//);
});

test("an empty DMI field never matches a rule, not even a regex that accepts anything", async (t) => {
  const profiles = [profile({ name: "generic", match: { manufacturer: "nobody" } }), profile({ name: "any", match: { model: { regex: ".*" } } })];
  const match = matchProfile(await withDmi("", ""), profiles);
  t.is(match.profile.name, "generic");
  t.is(match.reason, 'No profile matches DMI manufacturer "", model "", sku ""; using "generic".');
});

test("without a match and without a generic profile the error says so", async (t) => {
  const error = t.throws(() => matchProfile({ ...emptyInventory }, [profile({ name: "dell", match: { manufacturer: "Dell Inc." } })]), {
    instanceOf: AlkorError,
  });
  t.is(error?.code, "unknown_entity");
});

const emptyInventory: Inventory = {
  system: { manufacturer: "", model: "", version: "", serial: "", uuid: "", sku: "", virtual: false },
  bios: { vendor: "", version: "", releaseDate: "" },
  cpu: { manufacturer: "", model: "", cores: 0, threads: 0, sockets: 0, virtualization: "none" },
  memoryBytes: 0,
  disks: [],
  nics: [],
  warnings: [],
};
