import { readFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { parseMeminfo } from "../../../src/host/node-stats.js";

test("MemTotal and MemAvailable are read from recorded /proc/meminfo, in bytes", async (t) => {
  const text = await readFile(join(process.cwd(), "test", "fixtures", "meminfo.txt"), "utf8");
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(text)![1]) * 1024;
  const memory = parseMeminfo(text);
  t.is(memory.totalBytes, total);
  t.true(memory.availableBytes > 0 && memory.availableBytes <= total);
});

test("a meminfo without MemAvailable is an error naming the line", (t) => {
  t.throws(() => parseMeminfo("MemTotal:  1024 kB\n"), { message: /no MemAvailable line/ });
});
