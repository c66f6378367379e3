/**
 * Every Graph request has a deadline: a server that accepts the request and then says nothing, or
 * sends the headers and stalls in the body, fails the call once the deadline passes (a transient
 * failure the slice reschedules), instead of holding the slice for undici's 300 s.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TokenCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerCertificate } from "@mailferry/azure-local/graph";
import {
  createGraphClient,
  createImportPoster,
  DEFAULT_GRAPH_REQUEST_TIMEOUT_MS,
  graphRequestTimeoutMs,
} from "../../../shared/graph/client.js";
import { TransientTransferError } from "../../../shared/graph/errors.js";
import { classifyGraphError } from "../../../shared/graph/graph-errors.js";

let server: Server;
let origin: string;
let caCertPem: string;
const sockets = new Set<Socket>();

/** A credential that needs no authority: the deadline, not sign-in, is under test. */
const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

beforeAll(async () => {
  const certificate = await createServerCertificate();
  caCertPem = certificate.certPem;
  server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (request, response) => {
    // /stall-body sends its headers and part of a body; everything else gets no answer at all.
    if (request.url?.includes("stall-body")) {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"value":[');
    }
  });
  server.on("secureConnection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(requestTimeoutMs: number): ReturnType<typeof createGraphClient> {
  return createGraphClient(
    { baseUrl: origin, tenantId: "tenant.example", clientId: "client", caCertPem },
    { credential, requestTimeoutMs },
  );
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded");
}

describe("Graph request deadline", () => {
  it("fails a request that never gets an answer, as a transient network failure", async () => {
    const error = await failure(client(300).api("/users").get());
    expect(classifyGraphError(error, "listing users")).toBeInstanceOf(TransientTransferError);
  });

  it("fails a request whose answer stalls in its body", async () => {
    const error = await failure(client(300).api("/stall-body").get());
    expect(classifyGraphError(error, "reading a page")).toBeInstanceOf(TransientTransferError);
  });

  it("fails an import post that never gets an answer", async () => {
    const post = createImportPoster({ caCertPem }, { requestTimeoutMs: 300 });
    const error = await failure(post(`${origin}/import`, "{}"));
    expect(classifyGraphError(error, "importing an item")).toBeInstanceOf(TransientTransferError);
  });

  it("gives a slice's requests half the slice, within 5 s and the default", () => {
    expect(graphRequestTimeoutMs(240_000)).toBe(DEFAULT_GRAPH_REQUEST_TIMEOUT_MS);
    expect(graphRequestTimeoutMs(60_000)).toBe(30_000);
    expect(graphRequestTimeoutMs(2_000)).toBe(5_000);
    expect(DEFAULT_GRAPH_REQUEST_TIMEOUT_MS).toBeLessThan(240_000);
  });
});
