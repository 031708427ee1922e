import test from "ava";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";

function refused(ops: unknown[]): string {
  try {
    validateJobOps(opcodeTable, ops);
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  throw new Error("accepted");
}

test("opcodes are stored with their defaults filled and Ganeti's common parameters kept", (t) => {
  const [delay] = validateJobOps(opcodeTable, [{ OP_ID: "OP_TEST_DELAY", duration: 1, dry_run: false, reason: [["gnt:client", "", 1]] }]);
  t.deepEqual(delay, { OP_ID: "OP_TEST_DELAY", dry_run: false, reason: [["gnt:client", "", 1]], duration: 1, on_master: true, repeat: 0, alkor_record: false });
});

test("a bad opcode is refused as wrong_input, naming the opcode and what is wrong with it", (t) => {
  t.is(refused([]), "wrong_input: A job needs at least one opcode.");
  t.is(refused([{ duration: 1 }]), "wrong_input: Opcode 0 is not an opcode: it needs an OP_ID naming it.");
  t.is(refused([{ OP_ID: "OP_NOPE" }]), 'wrong_input: Opcode 0 names an unknown opcode "OP_NOPE".');
  t.is(refused([{ OP_ID: "OP_TEST_DELAY", duration: 1 }, { OP_ID: "OP_TEST_DELAY", duration: 1, color: "red" }]), 'wrong_input: Opcode 1 (OP_TEST_DELAY): unknown parameter(s) "color".');
  t.regex(refused([{ OP_ID: "OP_TEST_DELAY", duration: "long" }]), /^wrong_input: Opcode 0 \(OP_TEST_DELAY\): parameter duration: /);
  t.regex(refused([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["bad tag"] }]), /parameter tags\.0: a tag may hold only letters/);
  t.regex(refused([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["a"], dry_run: "yes" }]), /parameter dry_run/);
  t.regex(refused(Array.from({ length: 101 }, () => ({ OP_ID: "OP_TEST_DELAY", duration: 0 }))), /at most 100 opcodes/);
  t.regex(refused([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: Array.from({ length: 3000 }, (_, i) => `a-rather-long-tag-number-${i}`) }]), /larger than 64 KiB/);
});
