import { createHash, scrypt, timingSafeEqual } from "node:crypto";
import type { Random } from "../../host/random.js";
import { AlkorError } from "../../model/errors.js";

/**
 * The RAPI users file, in Ganeti's format (`name password [options]` per
 * line, `#` comments, options separated by commas; `write` lets the user
 * change the cluster, `read` is accepted and changes nothing).
 *
 * Passwords are stored hashed only, with a scheme prefix (case-insensitive,
 * as Ganeti's):
 * - `{HA1}` + md5hex("name:Ganeti Remote API:password") (RFC 2617's H(A1),
 *   what Ganeti's documentation asks for), so existing Ganeti files work;
 * - `{scrypt}ln=L,r=R,p=P$SALT$KEY`: scrypt (RFC 7914) with N = 2^L, SALT
 *   and the 32-byte KEY in unpadded base64url. `hashRapiPassword` writes it.
 *
 * A clear-text password (no scheme, or Ganeti's `{cleartext}`) refuses the
 * whole file, naming the line: no plain secrets on disk.
 */

export const RAPI_AUTH_REALM = "Ganeti Remote API";

type StoredPassword =
  | { scheme: "ha1"; digest: Buffer }
  | { scheme: "scrypt"; logN: number; r: number; p: number; salt: Buffer; key: Buffer };

export interface RapiUser {
  name: string;
  password: StoredPassword;
  canWrite: boolean;
}

const SCRYPT_KEY_BYTES = 32;
const SCRYPT_SALT_BYTES = 16;
const SCRYPT_DEFAULTS = { logN: 15, r: 8, p: 1 };
/** Bounds a users file may ask for: enough for a strong hash, not enough to exhaust memory on every login. */
const SCRYPT_MAX_MEMORY_BYTES = 64 * 1024 * 1024;
const SCRYPT_PATTERN = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9_-]{16,128})\$([A-Za-z0-9_-]{43})$/;
const HA1_PATTERN = /^[0-9a-f]{32}$/i;
const USER_NAME_PATTERN = /^[^\s:]{1,64}$/;
const OPTIONS = new Set(["read", "write"]);

/** Parses a users file's text; `source` names it in errors. Throws wrong_input naming the line of the first problem. */
export function parseRapiUsers(text: string, source: string): Map<string, RapiUser> {
  const users = new Map<string, RapiUser>();
  text.split("\n").forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${source} line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length < 2 || fields.length > 3) {
      throw new AlkorError("wrong_input", `${where}: expected "name password [options]", found ${fields.length} fields.`);
    }
    const [name, password, options] = fields as [string, string, string | undefined];
    if (!USER_NAME_PATTERN.test(name)) {
      throw new AlkorError("wrong_input", `${where}: a user name is 1 to 64 characters without blanks or ':'.`);
    }
    if (users.has(name)) throw new AlkorError("wrong_input", `${where}: user ${name} is listed twice.`);
    const granted = (options ?? "").split(",").filter((option) => option !== "");
    const unknown = granted.find((option) => !OPTIONS.has(option));
    if (unknown !== undefined) {
      throw new AlkorError("wrong_input", `${where}: unknown option "${unknown}" for user ${name} (known: read, write).`);
    }
    users.set(name, { name, password: parseStoredPassword(password, `${where} (user ${name})`), canWrite: granted.includes("write") });
  });
  return users;
}

function parseStoredPassword(text: string, where: string): StoredPassword {
  const scheme = /^\{([^}]*)\}/.exec(text);
  const name = scheme?.[1]?.toLowerCase();
  if (scheme === null || name === "cleartext") {
    throw new AlkorError(
      "wrong_input",
      `${where}: the password is in clear text; store it as {HA1} (md5 of "name:${RAPI_AUTH_REALM}:password") or {scrypt} (see hashRapiPassword).`,
    );
  }
  const value = text.slice(scheme[0].length);
  if (name === "ha1") {
    if (!HA1_PATTERN.test(value)) throw new AlkorError("wrong_input", `${where}: an {HA1} password is 32 hexadecimal digits.`);
    return { scheme: "ha1", digest: Buffer.from(value, "hex") };
  }
  if (name === "scrypt") return parseScrypt(value, where);
  throw new AlkorError("wrong_input", `${where}: unknown password scheme {${scheme[1]}} (known: {HA1}, {scrypt}).`);
}

function parseScrypt(value: string, where: string): StoredPassword {
  const match = SCRYPT_PATTERN.exec(value);
  if (match === null) throw new AlkorError("wrong_input", `${where}: a {scrypt} password reads ln=L,r=R,p=P$SALT$KEY (base64url, 32-byte key).`);
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4]!, "base64url");
  if (logN < 10 || r < 1 || p < 1 || p > 4 || scryptMemory(logN, r) > SCRYPT_MAX_MEMORY_BYTES || salt.length < SCRYPT_SALT_BYTES) {
    throw new AlkorError(
      "wrong_input",
      `${where}: {scrypt} parameters out of bounds (ln at least 10, p 1 to 4, 128*r*2^ln at most ${SCRYPT_MAX_MEMORY_BYTES} bytes, a salt of at least ${SCRYPT_SALT_BYTES} bytes).`,
    );
  }
  return { scheme: "scrypt", logN, r, p, salt, key: Buffer.from(match[5]!, "base64url") };
}

function scryptMemory(logN: number, r: number): number {
  return 128 * r * 2 ** logN;
}

/** Whether `password` is the user's; compares digests in constant time. */
export async function verifyRapiPassword(user: RapiUser, password: string): Promise<boolean> {
  const stored = user.password;
  if (stored.scheme === "ha1") {
    return timingSafeEqual(createHash("md5").update(`${user.name}:${RAPI_AUTH_REALM}:${password}`).digest(), stored.digest);
  }
  const key = await deriveScrypt(password, stored.salt, stored);
  return timingSafeEqual(key, stored.key);
}

/** A users-file password field for `password`: `{scrypt}` with a fresh salt from `random`. */
export async function hashRapiPassword(password: string, random: Random): Promise<string> {
  const salt = Buffer.from(Array.from({ length: SCRYPT_SALT_BYTES }, () => random.int(0, 256)));
  const { logN, r, p } = SCRYPT_DEFAULTS;
  const key = await deriveScrypt(password, salt, SCRYPT_DEFAULTS);
  return `{scrypt}ln=${logN},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

function deriveScrypt(password: string, salt: Buffer, cost: { logN: number; r: number; p: number }): Promise<Buffer> {
  const options = { N: 2 ** cost.logN, r: cost.r, p: cost.p, maxmem: 2 * scryptMemory(cost.logN, cost.r) };
  // The asynchronous form runs in libuv's pool, so a login never stalls the event loop.
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT_KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
