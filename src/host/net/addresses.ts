import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { canonicalIp } from "./ip-text.js";

/** One network device and the addresses on it, from `ip -j addr show`. */
export interface LinkAddresses {
  device: string;
  /** Whether neighbours learn its addresses by ARP (not loopback, not NOARP). */
  arp: boolean;
  addresses: Array<{ ip: string; prefixLength: number }>;
}

// Only the fields alkor reads; iproute2 prints many more.
const IpAddrShowSchema = z.array(
  z.object({
    ifname: z.string(),
    flags: z.array(z.string()),
    addr_info: z.array(
      z.object({
        local: z.string().transform((text, context) => {
          const ip = canonicalIp(text);
          if (ip === null) context.addIssue({ code: "custom", message: `"${text}" is not an IP address` });
          return ip ?? text;
        }),
        prefixlen: z.number().int().min(0).max(128),
      }),
    ),
  }),
);

/** Parses the output of `ip -j addr show [dev DEV]` (iproute2's JSON). */
export function parseIpAddrShow(stdout: string): LinkAddresses[] {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch (error) {
    throw unreadable(`it is not JSON (${(error as Error).message})`);
  }
  const result = IpAddrShowSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
    throw unreadable(problems.join("; "));
  }
  return result.data.map((link) => ({
    device: link.ifname,
    arp: !link.flags.includes("LOOPBACK") && !link.flags.includes("NOARP"),
    addresses: link.addr_info.map((address) => ({ ip: address.local, prefixLength: address.prefixlen })),
  }));
}

function unreadable(why: string): AlkorError {
  return new AlkorError("environment_error", `The output of "ip -j addr show" cannot be read: ${why}.`);
}
