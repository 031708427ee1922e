import test from "ava";
import { LockManager, sortLocks } from "../../../../src/cluster/jobs/locks.js";
import type { LockRequest } from "../../../../src/cluster/opcodes/definition.js";

const shared = (level: LockRequest["level"], name: string): LockRequest => ({ level, name, mode: "shared" });
const exclusive = (level: LockRequest["level"], name: string): LockRequest => ({ level, name, mode: "exclusive" });

test("shared locks are held together; an exclusive one excludes every other holder", (t) => {
  const locks = new LockManager();
  t.true(locks.pass().tryAcquire(1, [shared("cluster", "cluster")]));
  t.true(locks.pass().tryAcquire(2, [shared("cluster", "cluster")]));
  t.false(locks.pass().tryAcquire(3, [exclusive("cluster", "cluster")]));
  locks.release(1);
  locks.release(2);
  t.true(locks.pass().tryAcquire(3, [exclusive("cluster", "cluster")]));
  t.false(locks.pass().tryAcquire(4, [shared("cluster", "cluster")]));
});

test("a job gets all its locks or none, so it never holds some while waiting for others", (t) => {
  const locks = new LockManager();
  t.true(locks.pass().tryAcquire(1, [exclusive("node", "node2")]));
  t.false(locks.pass().tryAcquire(2, [exclusive("node", "node1"), exclusive("node", "node2")]));
  t.deepEqual(locks.heldLocks(), [{ key: "node/node2", mode: "exclusive", owners: [1] }]);
  t.true(locks.pass().tryAcquire(3, [exclusive("node", "node1")]), "node1 was not taken by the job that had to wait");
});

test("within a pass, a waiting job's locks are reserved: younger jobs do not overtake it", (t) => {
  const locks = new LockManager();
  t.true(locks.pass().tryAcquire(1, [shared("cluster", "cluster")]));
  const pass = locks.pass();
  t.false(pass.tryAcquire(2, [exclusive("cluster", "cluster")]));
  t.false(pass.tryAcquire(3, [shared("cluster", "cluster")]), "a shared request waits behind the exclusive one");
  t.true(pass.tryAcquire(4, [exclusive("node", "node1")]), "what nobody waits for is free");
});

test("locks are taken in Ganeti's order: by level, then by name", (t) => {
  const sorted = sortLocks([exclusive("node", "b"), shared("instance", "a"), exclusive("node", "a"), shared("cluster", "cluster")]);
  t.deepEqual(sorted.map((lock) => `${lock.level}/${lock.name}`), ["cluster/cluster", "node/a", "node/b", "instance/a"]);
});
