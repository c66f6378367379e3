/**
 * The HTTPS front door the Graph and the Exchange simulators share: a server on loopback with a
 * certificate made for it that clients are told to trust (nothing disables verification), and a
 * private folder for the PEM files handed to clients (the CA, app certificates with their keys).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppCertificate, createServerCertificate } from "./certificates.js";

export interface TlsServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on (default: any free one). */
  readonly port?: number;
  /** Prefix of the temporary folder that holds the PEM files, e.g. `mailferry-graph-`. */
  readonly folderPrefix: string;
}

export interface TlsServer {
  /** The listening server; the simulator attaches its request handler. */
  readonly server: Server;
  /** `https://<host>:<port>`, with an IPv6 host in brackets. */
  readonly baseUrl: string;
  /** The server's self-signed certificate, which is its own CA. */
  readonly caCertPem: string;
  /** The same certificate as a file, for clients configured with a path. */
  readonly caCertPath: string;
  /** Writes an app's certificate and private key to a PEM file readable by the owner only. */
  writeCredential(fileName: string, certificate: AppCertificate): string;
  /** Stops listening, drops open connections and removes the PEM files. */
  close(): Promise<void>;
}

/** Starts an HTTPS server with a fresh certificate; resolves once it listens. */
export async function startTlsServer(options: TlsServerOptions): Promise<TlsServer> {
  const host = options.host ?? "127.0.0.1";
  const certificate = await createServerCertificate();
  const folder = mkdtempSync(join(tmpdir(), options.folderPrefix));
  const caCertPath = join(folder, "ca.pem");
  writeFileSync(caCertPath, certificate.certPem, { mode: 0o600 });
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem });
  // Longer than any client keeps an idle connection, so a client never sends a request on a
  // connection the server is closing at that moment (a reset with no answer).
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    caCertPem: certificate.certPem,
    caCertPath,
    writeCredential: (fileName, app) => {
      const path = join(folder, fileName);
      writeFileSync(path, `${app.certPem}${app.keyPem}`, { mode: 0o600 });
      return path;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
