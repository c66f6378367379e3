import type { Server, Socket } from "node:net";
import type { Container } from "rhea";
import type { Logger } from "../../logger.js";

type ListenOptions = Parameters<Container["listen"]>[0];

// Time a stopping emulator gives clients to answer its AMQP close before their sockets are cut.
const CLOSE_GRACE_MS = 250;

/** The TCP side of the server: the listening socket and every accepted connection's socket. */
export class AmqpListener {
  private readonly sockets = new Set<Socket>();
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => {
        this.sockets.delete(socket);
        if (this.sockets.size > 0) return;
        for (const wake of this.idleWaiters) wake();
        this.idleWaiters = [];
      });
    });
  }

  /** Listens with rhea's connection handling; resolves once connections are accepted. */
  static open(
    container: Container,
    options: ListenOptions & { port: number },
    logger: Logger,
  ): Promise<AmqpListener> {
    return new Promise((resolve, reject) => {
      const server = container.listen(options);
      server.once("error", reject);
      // No client can connect before the server listens, so tracking sockets from here misses none.
      server.once("listening", () => {
        server.off("error", reject);
        server.on("error", (error: Error) => logger.error("listener error", { error: error.message }));
        const address = server.address();
        resolve(
          new AmqpListener(server, typeof address === "object" && address ? address.port : options.port),
        );
      });
    });
  }

  /**
   * Stops accepting, lets `closeConnections` end the AMQP connections politely, and cuts the
   * sockets of clients that do not answer in time, so no handle stays open.
   */
  async close(closeConnections: () => void): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    closeConnections();
    await this.socketsClosed();
    // An error makes rhea treat the connection as lost and clear its heartbeat timers.
    for (const socket of this.sockets) socket.destroy(new Error("the Service Bus emulator stopped"));
    await this.socketsClosed();
    await stopped;
  }

  private socketsClosed(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
