import test from "ava";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ADMIN, startTestRapi } from "./harness.js";

const execFileAsync = promisify(execFile);

/** Debian's python3-ganeti-rapi; where it is not installed this test is skipped (it needs no network of its own). */
const GANETI_CLIENT = "/usr/lib/python3/dist-packages/ganeti/rapi/client.py";
const script = join(process.cwd(), "test", "unit", "api", "rapi", "ganeti-client-instances.py");

(existsSync(GANETI_CLIENT) ? test : test.skip)("Ganeti's own RAPI client creates, reads, starts, stops, reboots, modifies and removes instances unchanged", async (t) => {
  const rapi = await startTestRapi();
  t.teardown(rapi.close);
  const [host, port] = rapi.server.address().split(":");
  const { stdout } = await execFileAsync("/usr/bin/python3", [script, host!, port!, ADMIN.user, ADMIN.password], { timeout: 60_000 });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  t.deepEqual(out.features, ["instance-create-reqv1"]);
  t.is(out.create, 100);
  t.is(out.create_dry, 101);
  t.deepEqual(out.instances, ["inst1.alkor.test", "inst2.alkor.test", "inst10.alkor.test"]);
  t.deepEqual((out.instances_bulk as Array<{ name: string }>).map((instance) => instance.name), out.instances);
  t.like(out.instance, { name: "inst1.alkor.test", status: "running", pnode: "node1.alkor.test", beparams: { memory: 512 } });
  t.deepEqual([out.startup, out.shutdown, out.reboot, out.modify, out.delete], [102, 103, 104, 105, 106]);
  t.like(out.job_status, { id: 100, status: "queued", summary: ["INSTANCE_CREATE"] });
  t.deepEqual(out.wait, { job_info: ["queued"], log_entries: [] });
  t.deepEqual(out.os, ["debootstrap+default", "noop"]);
  t.deepEqual(out.tags, ["env:prod"]);
  t.deepEqual((out.missing as unknown[])[0], 404);
  t.deepEqual(
    rapi.backend.writes.filter((write) => write.call === "submit").map((write) => write.args[0]),
    [
      [
        {
          OP_ID: "OP_INSTANCE_CREATE",
          instance_name: "rapi-sample",
          mode: "create",
          disk_template: "diskless",
          disks: [],
          nics: [{}],
          os_type: "noop",
          pnode: "node1.alkor.test",
          hypervisor: "kvm",
          no_install: true,
          ip_check: false,
          name_check: false,
          start: false,
          beparams: { memory: 128, vcpus: 1 },
        },
      ],
      [
        {
          OP_ID: "OP_INSTANCE_CREATE",
          dry_run: true,
          instance_name: "new2.alkor.test",
          mode: "create",
          disk_template: "plain",
          disks: [{ size: 1024 }],
          nics: [{ mac: "auto" }],
          os_type: "debootstrap+default",
        },
      ],
      [{ OP_ID: "OP_INSTANCE_STARTUP", instance_name: "inst2.alkor.test", force: false, no_remember: true }],
      [{ OP_ID: "OP_INSTANCE_SHUTDOWN", instance_name: "inst1.alkor.test", no_remember: false, timeout: 30 }],
      [{ OP_ID: "OP_INSTANCE_REBOOT", instance_name: "inst1.alkor.test", reboot_type: "soft", ignore_secondaries: false }],
      [{ OP_ID: "OP_INSTANCE_SET_PARAMS", instance_name: "inst2.alkor.test", beparams: { maxmem: 256 }, osparams: { dhcp: "no" } }],
      [{ OP_ID: "OP_INSTANCE_REMOVE", instance_name: "inst2.alkor.test", ignore_failures: false }],
    ],
  );
});
