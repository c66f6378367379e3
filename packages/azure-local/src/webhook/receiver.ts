/**
 * A local webhook receiver: an HTTP endpoint on 127.0.0.1 that accepts what alert webhooks post,
 * keeps it for inspection and tells subscribers. It can be told to fail, so tests can watch the
 * sender retry and give up.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { silentLogger, type Logger } from "../logger.js";
import { readBody } from "../http/body.js";

/** One request the receiver accepted (or refused on purpose). */
export interface ReceivedWebhook {
  readonly at: string;
  readonly path: string;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  readonly body: unknown;
  /** The status the receiver answered. */
  readonly status: number;
}

export interface WebhookReceiverOptions {
  /** Port to listen on (default: any free one). */
  readonly port?: number;
  readonly logger?: Logger;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/alerts`. */
  readonly url: string;
  /** Requests answered 2xx, oldest first. */
  received(): readonly ReceivedWebhook[];
  /** Every request, refused ones included. */
  requests(): readonly ReceivedWebhook[];
  /** Calls `listener` for each accepted request; returns the unsubscribe function. */
  subscribe(listener: (webhook: ReceivedWebhook) => void): () => void;
  /** Answers the next `count` requests with `status` (default 503) instead of accepting them. */
  failNext(count: number, status?: number): void;
  /** Answers every request with `status` until called with undefined. */
  failAlways(status: number | undefined): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Starts the receiver; resolves once it listens on 127.0.0.1. */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const logger = (options.logger ?? silentLogger).child({ component: "webhook-receiver" });
  const all: ReceivedWebhook[] = [];
  const listeners = new Set<(webhook: ReceivedWebhook) => void>();
  let failures = 0;
  let failureStatus = 503;
  let alwaysStatus: number | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "POST") {
      response.writeHead(405, { Allow: "POST" }).end();
      return;
    }
    let text: string;
    try {
      text = (await readBody(request, MAX_BODY_BYTES)).toString("utf8");
    } catch {
      response.writeHead(413).end();
      return;
    }
    let status = 200;
    if (alwaysStatus !== undefined) status = alwaysStatus;
    else if (failures > 0) {
      failures -= 1;
      status = failureStatus;
    }
    const webhook: ReceivedWebhook = {
      at: new Date().toISOString(),
      path: new URL(request.url ?? "/", "http://127.0.0.1").pathname,
      body: parse(text),
      status,
    };
    all.push(webhook);
    response.writeHead(status, { "Content-Type": "text/plain" }).end(status < 300 ? "ok" : "refused");
    // Never the path: chat webhooks carry their secret in it.
    logger.debug("webhook received", { status });
    if (status >= 200 && status < 300) {
      for (const listener of listeners) listener(webhook);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error("webhook receiver failed", { error });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/alerts`;
  logger.info("webhook receiver listening", { url });
  return {
    url,
    received: () => all.filter((webhook) => webhook.status >= 200 && webhook.status < 300),
    requests: () => [...all],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    failNext(count, status = 503) {
      failures = count;
      failureStatus = status;
    },
    failAlways(status) {
      alwaysStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        listeners.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
