import type { Exec } from "../exec.js";

// arping sends, then waits one interval (1 s) before it exits.
const arpingTimeoutMs = 5_000;

/**
 * Tells the neighbours on `device` that `ip` now lives at this device's MAC
 * address, so they stop sending to the previous holder: one unsolicited
 * (gratuitous) ARP request, sender and target IP both `ip`. A request rather
 * than a reply (-A) because RFC 5227 §3 specifies announcements as requests
 * and every stack updates its cache from those. iputils-arping.
 */
export async function announceIpv4(exec: Exec, device: string, ip: string): Promise<void> {
  await exec.run(["arping", "-U", "-c", "1", "-I", device, ip], { timeoutMs: arpingTimeoutMs });
}
