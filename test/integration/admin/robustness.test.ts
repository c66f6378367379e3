/**
 * The admin API and the dashboard answer every request, on the embedded stack with App Service
 * authentication on: malformed percent-encodings, oversized bodies, headers and URLs, repeated
 * query parameters, and a seeded fuzz over every route with random methods, paths, encodings,
 * queries, bodies and sizes. No answer may be a 5xx or a reset connection, and the host keeps
 * serving afterwards.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_LIMITS } from "../../../local/host/http-trigger.js";
import { startStack, type EmbeddedStack } from "../../../local/stack.js";
import { MAX_ADMIN_BODY_BYTES } from "../../../shared/admin/api/http.js";
import { defineWave } from "../../../shared/domain/index.js";
import { services } from "../../../functions/services.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { OPERATOR, READER } from "../../fixtures/admin/http.js";

let stack: EmbeddedStack;
let port: number;

beforeAll(async () => {
  stack = await startStack({
    graph: { mailboxes: 1, itemsPerMailbox: 2, plantTrouble: false, scaleWindows: 0.01 },
    logger: silentLogger,
    stopGraceMs: 2_000,
    authentication: {},
    settings: { MAILFERRY_LOG_LEVEL: "off" },
  });
  port = Number(new URL(stack.host.apiBaseUrl ?? "").port);
  const { store } = await services();
  const now = new Date();
  await store.waves.create(defineWave({ id: "fuzz", timeZone: "UTC" }, now));
  await store.accounts.upsertImported(
    [1, 2].map((n) => ({
      waveId: "fuzz",
      source: { upn: `user${n}@source.example` },
      target: { upn: `user${n}@target.example` },
      priority: n,
    })),
    now,
  );
});

afterAll(async () => {
  await stack.close();
});

interface Raw {
  readonly method?: string;
  /** The request target exactly as sent, e.g. `/api/ops/accounts/%ZZ`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** Announce this length but send only `body` (the answer must come before the rest would). */
  readonly declaredLength?: number;
}

interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends one request with node:http, which sends any method and path as given. */
function send(raw: Raw): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
    const headers: Record<string, string | number> = {
      "x-functions-key": stack.host.functionKey,
      ...raw.headers,
    };
    if (raw.declaredLength !== undefined) headers["content-length"] = raw.declaredLength;
    else if (body !== undefined) headers["content-length"] = body.length;
    const request = httpRequest(
      { host: "127.0.0.1", port, method: raw.method ?? "GET", path: raw.path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          // A body announced but never sent in full: the answer came first, so stop sending.
          if (raw.declaredLength !== undefined) request.destroy();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    if (raw.declaredLength === undefined) request.end();
  });
}

function errorCode(answer: RawAnswer): string | undefined {
  try {
    return (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

async function alive(): Promise<void> {
  const answer = await send({ path: "/api/ops/status", headers: { "x-ms-client-principal": READER } });
  expect(answer.status).toBe(200);
}

describe("the admin API's answers to requests it cannot serve", () => {
  it("answers a malformed percent-encoding in a path with 400 naming the segment", async () => {
    for (const path of ["/api/ops/accounts/%ZZ", "/api/ops/accounts/%E2%82", "/api/ops/waves/%/report"]) {
      const answer = await send({ path, headers: { "x-ms-client-principal": READER } });
      expect(answer.status, path).toBe(400);
      expect(answer.text, path).toMatch(/malformed percent-encoding/);
    }
    const dashboard = await send({
      path: "/api/dash/assets/%GG",
      headers: { "x-ms-client-principal": READER },
    });
    expect(dashboard.status).toBe(400);
  });

  it("answers a 5 MB body with 413 stating the limit, and keeps serving", async () => {
    const answer = await send({
      method: "POST",
      path: "/api/ops/retry",
      headers: { "x-ms-client-principal": OPERATOR, "content-type": "application/json" },
      body: `{"accountIds":["${"a".repeat(5 * 1024 * 1024)}"]}`,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { code: "PayloadTooLarge", limitBytes: MAX_ADMIN_BODY_BYTES },
    });
    await alive();
  });

  it("answers a body over the host's 100 MB with 413 before reading it, without resetting", async () => {
    const answer = await send({
      method: "POST",
      path: "/api/ops/retry",
      headers: { "x-ms-client-principal": OPERATOR, "content-type": "application/json" },
      body: "{",
      declaredLength: HOST_LIMITS.bodyBytes + 1,
    });
    expect(answer.status).toBe(413);
    expect(answer.text).toContain(String(HOST_LIMITS.bodyBytes));
    await alive();
  });

  it("answers a repeated query parameter with 400 naming it, on the API and the dashboard", async () => {
    const status = await send({
      path: "/api/ops/status?wave=a&wave=b",
      headers: { "x-ms-client-principal": READER },
    });
    expect(status.status).toBe(400);
    expect(JSON.parse(status.text)).toMatchObject({
      error: {
        fields: [{ path: "query.wave", message: expect.stringMatching(/more than once/) as unknown }],
      },
    });
    const data = await send({
      path: "/api/dash/data?minutes=60&minutes=5",
      headers: { "x-ms-client-principal": READER },
    });
    expect(data.status).toBe(400);
    expect(data.text).toContain("query.minutes");
  });

  it("answers a 200 KB header with 431, and a URL over 4 KB with 414, and keeps serving", async () => {
    const header = await send({
      path: "/api/ops/status",
      headers: { "x-ms-client-principal": READER, "x-padding": "a".repeat(200 * 1024) },
    });
    expect(header.status).toBe(431);
    expect(errorCode(header)).toBe("RequestHeaderFieldsTooLarge");
    const url = await send({
      path: `/api/ops/status?wave=${"a".repeat(HOST_LIMITS.urlBytes)}`,
      headers: { "x-ms-client-principal": READER },
    });
    expect(url.status).toBe(414);
    await alive();
  });
});

/** A small seeded generator (mulberry32): the same seed sends the same requests. */
function generator(seed: number): {
  next: () => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
} {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p) => next() < p,
  };
}

/** Every route of the admin API and the dashboard, with the method it serves. */
const ROUTES: readonly (readonly [string, string])[] = [
  ["GET", "ops/status"],
  ["GET", "ops/accounts/{accountId}"],
  ["POST", "ops/accounts/{accountId}/complete"],
  ["GET", "ops/failures"],
  ["POST", "ops/retry"],
  ["GET", "ops/deadletters"],
  ["GET", "ops/deadletters/{sequenceNumber}"],
  ["POST", "ops/deadletters/replay"],
  ["POST", "ops/deadletters/purge"],
  ["POST", "ops/waves/{waveId}/{operation}"],
  ["GET", "ops/waves/{waveId}/report"],
  ["GET", "ops/actions"],
  ["GET", "dash"],
  ["GET", "dash/data"],
  ["GET", "dash/assets/{name}"],
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "get"];

const SEGMENTS = [
  "fuzz",
  "user1@source.example",
  "user1%40source.example",
  "pause",
  "resume",
  "cancel",
  "complete",
  "app.js",
  "index.html",
  "1",
  "-1",
  "99999999999999999999999",
  "0x10",
  "%ZZ",
  "%",
  "%E2%82",
  "%C3%28",
  "%00",
  "%2F",
  "..",
  "%2E%2E",
  "~",
  "%F0%9F%98%80",
  "a".repeat(300),
  "UPPER",
  "%20",
  "'%3B--",
];

const QUERIES = [
  "",
  "?wave=fuzz",
  "?wave=a&wave=b",
  "?wave=NOT%20A%20WAVE",
  "?examples=5",
  "?examples=-1",
  "?examples=1e9",
  "?limit=abc",
  "?status=Failed",
  "?status=Nope",
  "?minutes=60&buckets=6",
  "?minutes=0",
  "?unknown=1",
  "?=",
  "?&&&",
  "?wave=%ZZ",
  "?code=x&code=y",
  `?wave=${"w".repeat(2000)}`,
];

function randomBody(random: ReturnType<typeof generator>): string | Buffer | undefined {
  switch (Math.floor(random.next() * 12)) {
    case 0:
      return undefined;
    case 1:
      return "";
    case 2:
      return "{";
    case 3:
      return JSON.stringify({ all: true, dryRun: true });
    case 4:
      return JSON.stringify({ waveId: random.pick(SEGMENTS), accountIds: [random.pick(SEGMENTS)] });
    case 5:
      return JSON.stringify({ all: "yes", limit: -5, confirm: 1, expectedCount: "x" });
    case 6:
      return `${"[".repeat(5_000)}${"]".repeat(5_000)}`;
    case 7:
      return JSON.stringify({ accountIds: Array.from({ length: 2_000 }, (_, n) => `user${n}@x.example`) });
    case 8:
      return Buffer.from(Array.from({ length: 512 }, () => Math.floor(random.next() * 256)));
    case 9:
      return JSON.stringify({ at: "not a time", after: "2999-01-01T00:00:00Z" });
    case 10:
      return "null";
    default:
      return "x".repeat(random.chance(0.5) ? MAX_ADMIN_BODY_BYTES + 1 : 64 * 1024);
  }
}

function randomRequest(random: ReturnType<typeof generator>): Raw {
  const [method, template] = random.pick(ROUTES);
  const route = template.replace(/\{[^}]+\}/g, () => random.pick(SEGMENTS));
  const principal = random.chance(0.7)
    ? random.pick([OPERATOR, READER])
    : random.pick([undefined, "not base64!", Buffer.from("{").toString("base64")]);
  const headers: Record<string, string> = {};
  if (principal !== undefined) headers["x-ms-client-principal"] = principal;
  if (random.chance(0.5))
    headers["content-type"] = random.pick(["application/json", "text/plain", "multipart/form-data"]);
  if (random.chance(0.1)) headers["x-functions-key"] = "wrong";
  const body = randomBody(random);
  return {
    method: random.chance(0.8) ? method : random.pick(METHODS),
    path: `/api/${route}${random.pick(QUERIES)}`,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

/** Requests per run: enough to reach every route with every kind of input, in seconds. */
const REQUESTS = 600;

describe("admin API fuzz", () => {
  it("never answers a seeded stream of random requests with a 5xx or a reset", async () => {
    const seed = 2302;
    const random = generator(seed);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let n = 0; n < REQUESTS; n += 1) {
      const raw = randomRequest(random);
      const what = `#${n} ${raw.method ?? "GET"} ${raw.path.slice(0, 120)} body=${raw.body?.length ?? "none"}`;
      try {
        const answer = await send(raw);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) failures.push(`${what} → ${answer.status} ${answer.text.slice(0, 200)}`);
      } catch (error) {
        failures.push(`${what} → ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(failures, `seed ${seed}`).toEqual([]);
    // The stream reached the operations, not only the host's refusals.
    for (const status of [200, 400, 401, 403, 404, 405, 413]) {
      expect(statuses.get(status), `answers with ${status}`).toBeGreaterThan(0);
    }
    await alive();
  });
});
