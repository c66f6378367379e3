/**
 * Certificates made at start: one self-signed certificate for 127.0.0.1/localhost that is its own
 * CA (clients are told to trust it; nothing disables verification), and one certificate per app
 * registration for certificate credentials. Keys come from node:crypto on the thread pool (fast,
 * in parallel); selfsigned only builds and signs the X.509 structure. Each is made once per
 * process and shared by every simulator it starts, which keeps test suites quick.
 */
import { X509Certificate, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { generate } from "selfsigned";

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface AppCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-1 thumbprint, base64url (the `x5t` header of a client assertion). */
  readonly x5t: string;
  /** SHA-256 thumbprint, base64url (the `x5t#S256` header). */
  readonly x5tS256: string;
  readonly publicKey: KeyObject;
}

type SelfsignedOptions = NonNullable<Parameters<typeof generate>[1]>;

const generateRsa = promisify(generateKeyPair);

function rsaKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  return generateRsa("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

async function issue(
  commonName: string,
  extensions: unknown[],
): Promise<{ certPem: string; keyPem: string }> {
  const keyPair = await rsaKeyPair();
  // selfsigned accepts a ready key pair although its type declarations do not list the option.
  const options: SelfsignedOptions & { keyPair: { publicKey: string; privateKey: string } } = {
    keyPair,
    days: 30,
    algorithm: "sha256",
    extensions,
  };
  const result = generate([{ name: "commonName", value: commonName }], options);
  return { certPem: result.cert, keyPem: keyPair.privateKey };
}

let serverCertificate: Promise<ServerCertificate> | undefined;
const appCertificates = new Map<string, Promise<AppCertificate>>();

/** A certificate for 127.0.0.1 and localhost that is also the CA clients trust. */
export function createServerCertificate(): Promise<ServerCertificate> {
  serverCertificate ??= issue("mailferry local Graph simulator", [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
  ]);
  return serverCertificate;
}

/** A client certificate for an app registration's certificate credential. */
export function createAppCertificate(commonName: string): Promise<AppCertificate> {
  let certificate = appCertificates.get(commonName);
  if (!certificate) {
    certificate = issueAppCertificate(commonName);
    appCertificates.set(commonName, certificate);
  }
  return certificate;
}

async function issueAppCertificate(commonName: string): Promise<AppCertificate> {
  const { certPem, keyPem } = await issue(commonName, [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
  ]);
  const x509 = new X509Certificate(certPem);
  const thumbprint = (fingerprint: string): string =>
    Buffer.from(fingerprint.replaceAll(":", ""), "hex").toString("base64url");
  return {
    certPem,
    keyPem,
    x5t: thumbprint(x509.fingerprint),
    x5tS256: thumbprint(x509.fingerprint256),
    publicKey: createPublicKey(certPem),
  };
}
