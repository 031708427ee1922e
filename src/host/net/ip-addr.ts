import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { parseIpAddrShow, type LinkAddresses } from "./addresses.js";
import type { ClusterIp } from "./cluster-ip.js";

// The C locale keeps the tool's messages in English, which addAddress and
// deleteAddress recognise.
const cLocale = { LC_ALL: "C" };

/** Runs `ip -j addr show`, for one device or all of them. */
export async function showAddresses(exec: Exec, device?: string): Promise<LinkAddresses[]> {
  const { stdout } = await exec.run(["ip", "-j", "addr", "show", ...(device === undefined ? [] : ["dev", device])]);
  return parseIpAddrShow(stdout);
}

/** `ip addr add`; an address someone added meanwhile (EEXIST) counts as added. */
export async function addAddress(exec: Exec, address: ClusterIp, device: string): Promise<void> {
  await exec.run(["ip", "addr", "add", `${address.ip}/${address.prefixLength}`, "dev", device], { env: cLocale }).catch((error: unknown) => {
    // Kernels with extended acks say "Address already assigned", older ones strerror(EEXIST).
    if (!toolSaid(error, /address already assigned|file exists/i)) throw error;
  });
}

/** `ip addr del`; an address someone removed meanwhile counts as removed. */
export async function deleteAddress(exec: Exec, address: ClusterIp, device: string): Promise<void> {
  await exec.run(["ip", "addr", "del", `${address.ip}/${address.prefixLength}`, "dev", device], { env: cLocale }).catch((error: unknown) => {
    // "Address not found" with extended acks, strerror(EADDRNOTAVAIL) without.
    if (!toolSaid(error, /address not found|cannot assign requested address/i)) throw error;
  });
}

function toolSaid(error: unknown, message: RegExp): boolean {
  return error instanceof AlkorError && error.code === "environment_error" && message.test(error.message);
}
