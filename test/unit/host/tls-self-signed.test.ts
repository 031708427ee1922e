import { X509Certificate, createPrivateKey } from "node:crypto";
import test from "ava";
import { processExec } from "../../../src/host/exec.js";
import { makeSelfSignedCertificate } from "../../../src/host/tls/self-signed.js";

test("openssl makes a certificate for the cluster's name that matches its key", async (t) => {
  const { cert, key } = await makeSelfSignedCertificate(processExec, "demo", 3650);
  const x509 = new X509Certificate(cert);
  t.is(x509.subject, "CN=demo");
  t.true(x509.checkPrivateKey(createPrivateKey(key)));
  t.true(new Date(x509.validTo).getTime() > Date.now() + 3000 * 86_400_000);
});

test("a name cannot smuggle other fields into the subject", async (t) => {
  const { cert } = await makeSelfSignedCertificate(processExec, "a/O=evil", 1);
  t.is(new X509Certificate(cert).subject, "CN=a_O_evil");
});
