import { createServer } from "node:net";

/**
 * Asks the kernel for a free TCP port on 127.0.0.1. Azurite reports the port it was given rather
 * than the one it bound, so it must be told a concrete port; a race with another process taking the
 * port in between is possible and is handled by the caller retrying.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port was assigned"))));
    });
  });
}
