import { createHmac, randomBytes } from "node:crypto";
import { RapiError } from "./errors.js";
import type { RapiUsersFile } from "./users-file.js";
import { RAPI_AUTH_REALM, verifyRapiPassword, type RapiUser } from "./users.js";

/** Who made a request, once their credentials checked out. */
export interface RapiPrincipal {
  user: string;
  canWrite: boolean;
}

const CHALLENGE = { "www-authenticate": `Basic realm="${RAPI_AUTH_REALM}"` };
const MAX_CREDENTIALS_LENGTH = 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * HTTP Basic authentication (RFC 7617) against the users file. Every request
 * must authenticate. Credentials that verified are remembered (as a keyed
 * digest, never in the clear) until the users file changes, so that a slow
 * {scrypt} hash costs once per client rather than once per request.
 */
export class RapiAuthenticator {
  private readonly cacheKey = randomBytes(32);
  private verified = new Map<string, RapiPrincipal>();
  private verifiedGeneration = -1;
  private verifying: Promise<unknown> = Promise.resolve();

  constructor(private readonly usersFile: RapiUsersFile) {}

  /** The principal, or a 401 with the challenge that makes clients send credentials. */
  async authenticate(authorization: string | undefined): Promise<RapiPrincipal> {
    const credentials = parseBasic(authorization);
    const users = await this.usersFile.current();
    if (this.verifiedGeneration !== this.usersFile.generation) {
      this.verified = new Map();
      this.verifiedGeneration = this.usersFile.generation;
    }
    const generation = this.verifiedGeneration;
    const digest = createHmac("sha256", this.cacheKey).update(`${credentials.user}\0${credentials.password}`).digest("base64");
    const known = this.verified.get(digest);
    if (known !== undefined) return known;
    const user = users.get(credentials.user);
    if (user === undefined || !(await this.verify(user, credentials.password))) throw unauthorized("Wrong user name or password.");
    const principal = { user: user.name, canWrite: user.canWrite };
    // The file may have changed while the hash was computed; only a still-current answer is kept.
    if (generation === this.usersFile.generation) this.verified.set(digest, principal);
    return principal;
  }

  /**
   * Checks one password at a time: wrong passwords are never remembered, so
   * a client guessing them could otherwise fill libuv's thread pool (which
   * the file system shares) with scrypt work.
   */
  private verify(user: RapiUser, password: string): Promise<boolean> {
    const result = this.verifying.then(() => verifyRapiPassword(user, password));
    this.verifying = result.catch(() => undefined);
    return result;
  }
}

function parseBasic(authorization: string | undefined): { user: string; password: string } {
  // Without credentials, the answer is Ganeti's own (samples/GET_2_info_noauth.error.json).
  if (authorization === undefined) throw unauthorized("");
  const [scheme, encoded, ...rest] = authorization.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== "basic" || encoded === undefined || rest.length > 0) {
    throw unauthorized("Only HTTP Basic authentication is supported.");
  }
  if (encoded.length > MAX_CREDENTIALS_LENGTH || !BASE64.test(encoded)) throw unauthorized("Malformed Basic credentials.");
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw unauthorized("Malformed Basic credentials.");
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function unauthorized(message: string): RapiError {
  return new RapiError(401, message, CHALLENGE);
}

export function forbidden(principal: RapiPrincipal, what: string): RapiError {
  return new RapiError(403, `User ${principal.user} may only read; ${what} needs the write option in the users file.`);
}
