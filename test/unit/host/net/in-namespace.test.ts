import test from "ava";
import { inNamespace } from "../../../../src/host/net/in-namespace.js";
import { FakeExec } from "./fake-exec.js";

test("a command runs under ip netns exec with its options unchanged", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "[]" }));
  await inNamespace(exec, "alkor-test").run(["ip", "-j", "addr", "show"], { timeoutMs: 1000 });
  t.deepEqual(exec.calls, [{ argv: ["ip", "netns", "exec", "alkor-test", "ip", "-j", "addr", "show"], options: { timeoutMs: 1000 } }]);
});
