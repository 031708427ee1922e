import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { waitFor } from "./wait.js";

/**
 * A real unix datagram receiver standing in for systemd. Python is used
 * because Node itself cannot bind one. It prints "ready" once bound, then
 * every datagram as one JSON line; the file descriptor systemd-notify passes
 * with BARRIER=1 is dropped unread, which closes it and releases the barrier.
 */
const receiverScript = `
import json, socket, sys
address = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + address[1:] if address.startswith("@") else address)
print("ready", flush=True)
while True:
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

/** Binds a notify socket at `address` (a path, or @name for the abstract namespace); returns the messages as they arrive. */
export async function startNotifyReceiver(t: { teardown(fn: () => void): void }, address: string): Promise<string[]> {
  const child = spawn("python3", ["-c", receiverScript, address], { stdio: ["ignore", "pipe", "inherit"] });
  t.teardown(() => child.kill());
  const lines: string[] = [];
  let ready = false;
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line === "ready") ready = true;
    else lines.push(JSON.parse(line) as string);
  });
  await waitFor("the datagram receiver to bind", () => ready);
  return lines;
}
