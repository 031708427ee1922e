import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AlkorError } from "../../model/errors.js";
import type { Exec } from "../exec.js";

export interface TlsPair {
  cert: string;
  key: string;
}

const pemBlock = /-----BEGIN ([A-Z ]+)-----\n[A-Za-z0-9+/=\n]+?-----END \1-----\n?/g;

/**
 * A self-signed certificate and its key (ECDSA P-256), made by openssl: the
 * cluster's certificate, as Ganeti makes one at `gnt-cluster init`. The
 * certificate comes on standard output; the key passes through a private
 * temporary directory (mode 0700), removed at once.
 */
export async function makeSelfSignedCertificate(exec: Exec, commonName: string, days: number): Promise<TlsPair> {
  const directory = await mkdtemp(join(tmpdir(), "alkor-tls-"));
  try {
    const keyPath = join(directory, "key.pem");
    const { stdout } = await exec.run([
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-subj", `/CN=${commonName.replace(/[/=+,\\]/g, "_")}`, "-days", String(days), "-keyout", keyPath,
    ]);
    return checked(stdout.match(pemBlock)?.find((block) => block.startsWith("-----BEGIN CERTIFICATE-----")), await readFile(keyPath, "utf8"));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function checked(cert: string | undefined, key: string): TlsPair {
  if (!cert || !key.startsWith("-----BEGIN PRIVATE KEY-----")) throw new AlkorError("environment_error", "openssl did not make a private key and a certificate.");
  // Both must parse, or the API would fail later at every start.
  new X509Certificate(cert);
  createPrivateKey(key);
  return { cert, key };
}
