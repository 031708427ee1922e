import test from "ava";
import { allocate } from "../../../../src/cluster/allocator/allocate.js";
import { balanceAfter, compareBalance } from "../../../../src/cluster/allocator/balance.js";
import { isMirrored, storageOf, type AllocationRequest, type AllocatorInstance, type AllocatorNode } from "../../../../src/cluster/allocator/model.js";
import { nPlusOneFailures } from "../../../../src/cluster/allocator/n-plus-one.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { SeededRandom } from "../../../sim/random.js";

/**
 * Random clusters from a seed (splitmix32, as the simulator uses), checked
 * against a brute-force oracle that applies each placement in full and runs
 * the cluster-wide N+1 check on the result. A failure names its seed.
 */

const seeds = 400;
const templates = ["diskless", "file", "plain", "drbd"] as const;

interface Scenario {
  request: AllocationRequest;
  nodes: AllocatorNode[];
  instances: AllocatorInstance[];
}

function scenario(seed: number): Scenario {
  const random = new SeededRandom(seed);
  const nodes: AllocatorNode[] = [];
  for (let i = 1; i <= random.int(1, 7); i++) {
    const memoryTotalMiB = random.pick([4096, 8192, 16384]);
    const diskFreeMiB: AllocatorNode["diskFreeMiB"] = {};
    const diskTotalMiB: AllocatorNode["diskTotalMiB"] = {};
    for (const kind of ["file", "plain"] as const) {
      if (random.chance(0.85)) {
        diskTotalMiB[kind] = random.pick([20480, 102400]);
        diskFreeMiB[kind] = random.int(0, diskTotalMiB[kind]! + 1);
      }
    }
    nodes.push({
      name: `node${i}`,
      offline: random.chance(0.1),
      drained: random.chance(0.1),
      vmCapable: !random.chance(0.1),
      memoryTotalMiB,
      memoryFreeMiB: random.int(0, memoryTotalMiB + 1),
      diskFreeMiB,
      diskTotalMiB,
    });
  }
  const instances: AllocatorInstance[] = [];
  for (let i = 1; i <= random.int(0, 10); i++) {
    const primary = random.pick(nodes).name;
    const others = nodes.filter((node) => node.name !== primary);
    const secondary = others.length > 0 && random.chance(0.6) ? random.pick(others).name : null;
    instances.push({ name: `inst${i}`, primary, secondary, memoryMiB: random.pick([512, 1024, 2048, 4096]), running: random.chance(0.8) });
  }
  const diskTemplate = random.pick(templates);
  const request: AllocationRequest = {
    name: "new1",
    memoryMiB: random.pick([256, 1024, 2048, 4096]),
    vcpus: random.int(1, 5),
    diskTemplate,
    diskMiB: diskTemplate === "diskless" ? 0 : random.pick([1024, 10240, 40960]),
  };
  return { request, nodes: random.shuffle(nodes), instances: random.shuffle(instances) };
}

/** Whether a placement meets the capacity rules, checked from scratch. */
function fits({ request, nodes }: Scenario, primary: string, secondary: string | null): boolean {
  const storage = storageOf(request.diskTemplate);
  const usable = (node: AllocatorNode | undefined): node is AllocatorNode => node !== undefined && !node.offline && !node.drained && node.vmCapable;
  const roomForDisks = (node: AllocatorNode): boolean => storage === null || (node.diskFreeMiB[storage] ?? -1) >= request.diskMiB;
  const p = nodes.find((node) => node.name === primary);
  if (!usable(p) || p.memoryFreeMiB < request.memoryMiB || !roomForDisks(p)) return false;
  if (!isMirrored(request.diskTemplate)) return secondary === null;
  const s = nodes.find((node) => node.name === secondary);
  return secondary !== primary && usable(s) && roomForDisks(s);
}

/** The N+1 failures (node<-primary) the cluster has after the placement is applied in full, that it did not have before. */
function addedFailures({ request, nodes, instances }: Scenario, primary: string, secondary: string | null): string[] {
  const storage = storageOf(request.diskTemplate);
  const after = nodes.map((node) => {
    if (node.name !== primary && node.name !== secondary) return node;
    const diskFreeMiB = { ...node.diskFreeMiB };
    if (storage !== null) diskFreeMiB[storage] = diskFreeMiB[storage]! - request.diskMiB;
    return { ...node, memoryFreeMiB: node.memoryFreeMiB - (node.name === primary ? request.memoryMiB : 0), diskFreeMiB };
  });
  const key = (failure: { node: string; primary: string }): string => `${failure.node}<-${failure.primary}`;
  const before = new Set(nPlusOneFailures(nodes, instances).map(key));
  const placed = [...instances, { name: request.name, primary, secondary, memoryMiB: request.memoryMiB, running: true }];
  return nPlusOneFailures(after, placed).map(key).filter((failure) => !before.has(failure));
}

function validPlacements(input: Scenario): Array<{ primary: string; secondary: string | null }> {
  const names = input.nodes.map((node) => node.name);
  const secondaries = isMirrored(input.request.diskTemplate) ? names : [null];
  return names
    .flatMap((primary) => secondaries.map((secondary) => ({ primary, secondary })))
    .filter(({ primary, secondary }) => fits(input, primary, secondary) && addedFailures(input, primary, secondary).length === 0);
}

test(`over ${seeds} seeded clusters, every allocation meets the capacity rules, keeps N+1, and is refused only when nothing could`, (t) => {
  let allocated = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const input = scenario(seed);
    const valid = validPlacements(input);
    let result: ReturnType<typeof allocate>;
    try {
      result = allocate(input.request, input.nodes, input.instances);
    } catch (error) {
      t.true(error instanceof AlkorError && error.code === "insufficient_resources", `seed ${seed}: ${String(error)}`);
      t.deepEqual(valid, [], `seed ${seed}: refused although a placement fits and keeps N+1`);
      continue;
    }
    allocated++;
    const { primary, secondary } = result;
    t.true(fits(input, primary, secondary), `seed ${seed}: ${primary}/${secondary} breaks the capacity rules`);
    t.deepEqual(addedFailures(input, primary, secondary), [], `seed ${seed}: ${primary}/${secondary} breaks N+1`);
    const storage = storageOf(input.request.diskTemplate);
    const chosen = balanceAfter(input.nodes, storage, input.request, result);
    for (const other of valid) {
      t.true(compareBalance(chosen, balanceAfter(input.nodes, storage, input.request, other)) <= 0, `seed ${seed}: ${other.primary}/${other.secondary} is better balanced`);
    }
    const reversed = allocate(input.request, [...input.nodes].reverse(), [...input.instances].reverse());
    t.deepEqual(reversed, result, `seed ${seed}: the answer depends on the input order`);
  }
  // Both outcomes must be exercised for the property to mean anything.
  t.true(allocated > seeds / 4, `only ${allocated} of ${seeds} seeds allocated`);
  t.true(allocated < seeds, "no seed was refused");
  t.log(`${allocated} of ${seeds} seeded clusters allocated, the rest refused`);
});
