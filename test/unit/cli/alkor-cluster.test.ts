import test from "ava";
import { AlkorError } from "../../../src/model/errors.js";
import { FakeJobQueue } from "../api/local/fake-job-queue.js";
import { FakeClusterControl, SAMPLE_CLUSTER_INFO, SAMPLE_CLUSTER_STATUS, startClusterApi } from "./fake-cluster-control.js";
import { runCommand } from "./run-cli.js";

function run(args: string[], env: Record<string, string> = {}) {
  return runCommand("alkor-cluster", args, env);
}

const TOKEN = "s3cret-join-token";

test("init sends the cluster's parameters and prints the cluster, its master and its cluster IP", async (t) => {
  const cluster = new FakeClusterControl();
  const endpoint = await startClusterApi(t, cluster);
  const args = ["init", "lab.example.com", "--cluster-ip", "192.0.2.100/24", "--join-token", TOKEN, "--master-netdev", "br0", "--candidate-pool-size", "3"];
  const result = await run([...args, "--endpoint", endpoint]);
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    "Cluster lab.example.com initialised (UUID 07805e6f-f0af-4310-95f1-572862ee939c).\nMaster node: node2\nCluster IP: 192.0.2.100/24 on br0\n",
  );
  t.deepEqual(cluster.calls, [
    { operation: "init", args: [{ name: "lab.example.com", clusterIp: "192.0.2.100/24", joinToken: TOKEN, masterNetdev: "br0", candidatePoolSize: 3 }] },
  ]);
});

test("init takes the join token from ALKOR_JOIN_TOKEN and leaves the defaults to the contract", async (t) => {
  const cluster = new FakeClusterControl();
  const endpoint = await startClusterApi(t, cluster);
  const result = await run(["init", "lab", "--cluster-ip", "192.0.2.100", "--endpoint", endpoint], { ALKOR_JOIN_TOKEN: TOKEN });
  t.is(result.code, 0, result.stderr);
  t.true(result.stdout.endsWith("Cluster IP: 192.0.2.100 on the management address's device\n"));
  t.deepEqual(cluster.calls[0]?.args, [{ name: "lab", clusterIp: "192.0.2.100", joinToken: TOKEN, masterNetdev: null, candidatePoolSize: 5 }]);
});

test("init fails with exit status 2, asking nothing of the agent, for a missing token or bad values", async (t) => {
  const cluster = new FakeClusterControl();
  const endpoint = await startClusterApi(t, cluster);
  const ip = ["--cluster-ip", "192.0.2.100"];
  const cases: Array<[string[], string]> = [
    [["init", "lab", ...ip], "error: Give the join token in $ALKOR_JOIN_TOKEN or with --join-token.\n"],
    [["init", "lab", ...ip, "--join-token", "short"], "error: --join-token: must be at least 8 characters.\n"],
    [["init", "lab", ...ip, "--join-token", TOKEN, "--candidate-pool-size", "many"], "error: option '--candidate-pool-size <n>' argument 'many' is invalid. Expected an integer.\n"],
    [["init", "lab", ...ip, "--join-token", TOKEN, "--candidate-pool-size", "0"], "error: --candidate-pool-size: Too small: expected number to be >=1.\n"],
    [["init", "lab_1", ...ip, "--join-token", TOKEN], "error: NAME: must be a host name (letters, digits, dots and dashes).\n"],
    [["init", "lab", "--join-token", TOKEN], "error: required option '--cluster-ip <ip>' not specified\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await run([...args, "--endpoint", endpoint]);
    t.is(result.code, 2, args.join(" "));
    t.is(result.stderr, stderr, args.join(" "));
  }
  t.deepEqual(cluster.calls, []);
});

test("init fails with exit status 1 and the agent's message when the node is in a cluster already", async (t) => {
  const refusal = new AlkorError("wrong_state", "This node is already a member of cluster cluster1.example.com.");
  const result = await run(["init", "lab", "--cluster-ip", "192.0.2.100", "--endpoint", await startClusterApi(t, new FakeClusterControl({ refusal }))], {
    ALKOR_JOIN_TOKEN: TOKEN,
  });
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, `${refusal.message}\n`);
});

test("getmaster prints the master's name alone, for scripts", async (t) => {
  const cluster = new FakeClusterControl();
  const result = await run(["getmaster", "--endpoint", await startClusterApi(t, cluster)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "node1\n");
  t.deepEqual(cluster.calls, [{ operation: "master", args: [] }]);
});

test("info shows the cluster as gnt-cluster info does", async (t) => {
  const result = await run(["info", "--endpoint", await startClusterApi(t, new FakeClusterControl())]);
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    [
      "Cluster name: cluster1.example.com",
      "Cluster UUID: 07805e6f-f0af-4310-95f1-572862ee939c",
      "Creation time: 2025-09-25T05:04:15Z",
      "Master node: node1",
      "Master candidates:",
      "  - node1",
      "  - node2",
      "Nodes: 3",
      "Config serial: 12",
      "Cluster parameters:",
      "  cluster IP: 192.0.2.100/24",
      "  master netdev: eth0",
      "  candidate pool size: 5",
      "  mac prefix: aa:00:00",
      "  lvm volume group: alkor",
      "  file storage path: /srv/alkor/file-storage",
      "Hypervisor parameters:",
      "  kvm:",
      "    boot_order: disk",
      '    initrd_path: ""',
      "    kernel_args: ro",
      '    kernel_path: ""',
      "    root_path: /dev/vda1",
      "    serial_console: true",
      '    vnc_bind_address: ""',
      "Default instance parameters:",
      "  default:",
      "    always_failover: false",
      "    auto_balance: true",
      "    maxmem: 128",
      "    minmem: 128",
      "    vcpus: 1",
      "Default nic parameters:",
      "  default:",
      "    link: br0",
      "    mode: bridged",
      "Raft:",
      "  term: 4",
      "  commit index: 57",
      "",
    ].join("\n"),
  );
});

test("info prints the agent's answer as JSON with --json", async (t) => {
  const result = await run(["info", "--json", "--endpoint", await startClusterApi(t, new FakeClusterControl())]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(JSON.parse(result.stdout), SAMPLE_CLUSTER_INFO);
});

test("info and getmaster fail with exit status 1 and the agent's message without a quorum", async (t) => {
  const refusal = new AlkorError("environment_error", "No master is reachable: this node sees 1 of 3 voters.");
  const endpoint = await startClusterApi(t, new FakeClusterControl({ refusal }));
  for (const command of ["info", "getmaster"]) {
    const result = await run([command, "--endpoint", endpoint]);
    t.is(result.code, 1, command);
    t.is(result.stderr, `${refusal.message}\n`, command);
  }
});

test("version shows the software and protocol versions and which node answered", async (t) => {
  const result = await run(["version", "--endpoint", await startClusterApi(t, new FakeClusterControl())]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Software version: 0.1.0\nInternode protocol: 1\nAnswered by node: node2\n");
});

test("master-failover asks the local agent to take over and says where the role went", async (t) => {
  const cluster = new FakeClusterControl();
  const result = await run(["master-failover", "--endpoint", await startClusterApi(t, cluster)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Master role moved to node2.\n");
  t.deepEqual(cluster.calls, [{ operation: "failover", args: [] }]);
});

test("master-failover on a node that is no master candidate fails with exit status 1, naming the valid ones", async (t) => {
  const refusal = new AlkorError("wrong_state", "node3 is not a master candidate; run master-failover on one of: node1, node2.");
  const result = await run(["master-failover", "--endpoint", await startClusterApi(t, new FakeClusterControl({ refusal }))]);
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, `${refusal.message}\n`);
});

test("modify --candidate-pool-size runs OP_CLUSTER_SET_PARAMS as a job and prints the new size", async (t) => {
  const jobs = new FakeJobQueue({ script: () => ({ status: "success", results: [[["candidate_pool_size", 7]]] }) });
  const result = await run(["modify", "--candidate-pool-size", "7", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Modified the cluster: candidate pool size 7.\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_CLUSTER_SET_PARAMS", candidate_pool_size: 7 }]);
});

test("modify --job-archive-age sets how long ended jobs are kept, in seconds", async (t) => {
  const jobs = new FakeJobQueue({ script: () => ({ status: "success", results: [[["job_archive_age", 7200]]] }) });
  const result = await run(["modify", "--job-archive-age", "2h", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Modified the cluster: jobs archived 7200 s after they end.\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_CLUSTER_SET_PARAMS", job_archive_age: 7200 }]);
});

test("modify fails with exit status 2, submitting nothing, without a change or with a size that is no integer", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const cases: Array<[string[], string]> = [
    [["modify"], "error: Nothing to change: give --candidate-pool-size, --job-archive-age, -B, -H, -N, --file-storage-dir, --vg-name or --mac-prefix.\n"],
    [["modify", "--candidate-pool-size", "2.5"], "error: option '--candidate-pool-size <n>' argument '2.5' is invalid. Expected an integer.\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await run([...args, "--endpoint", endpoint]);
    t.is(result.code, 2, args.join(" "));
    t.is(result.stderr, stderr, args.join(" "));
  }
  t.deepEqual(jobs.submissions, []);
});

test("status shows this node's own view of the cluster", async (t) => {
  const result = await run(["status", "--endpoint", await startClusterApi(t, new FakeClusterControl())]);
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    [
      "Node: node2",
      "Cluster member: yes",
      "Cluster: cluster1.example.com (07805e6f-f0af-4310-95f1-572862ee939c)",
      "Raft role: follower",
      "Term: 4",
      "Commit index: 57",
      "Master node: node1",
      "Voting nodes: node1, node2, node3",
      "Holds master lease: no",
      "Quorum contact: 0.2s ago",
      "Self-fence due: no",
      "Formation: none",
      "",
    ].join("\n"),
  );
});

test("status answers with the agent's body as JSON with --json, even while every cluster operation is refused", async (t) => {
  const refusal = new AlkorError("environment_error", "No quorum.");
  const result = await run(["status", "--json", "--endpoint", await startClusterApi(t, new FakeClusterControl({ refusal }))]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(JSON.parse(result.stdout), SAMPLE_CLUSTER_STATUS);
});

test("fails with exit status 2 for an unknown command or option, and without a command", async (t) => {
  for (const args of [["destroy"], ["info", "--frob"], []]) {
    const result = await run(args);
    t.is(result.code, 2, args.join(" "));
    t.not(result.stderr, "", args.join(" "));
  }
});

test("fails with exit status 1 and one sentence when the agent is unreachable", async (t) => {
  const result = await run(["getmaster"], { ALKOR_ENDPOINT: "unix:/nonexistent/alkord.sock" });
  t.is(result.code, 1);
  t.is(result.stderr, "Cannot reach the alkor agent at unix:/nonexistent/alkord.sock: connect ENOENT. Is alkord running? Set ALKOR_ENDPOINT or --endpoint.\n");
});
