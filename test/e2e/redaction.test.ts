/**
 * No secret and no mail content reaches a log. A whole small migration runs on the embedded stack
 * with alerts firing to a webhook whose URL carries a secret; every line any logger writes (at any
 * level) is collected and searched for the credentials the run used, for tokens of any kind, and
 * for the exported mail it moved.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeExport } from "@mailferry/azure-local/graph";
import type { EmbeddedStack } from "../../local/stack.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../local/webhook/index.js";
import { parseAlertNotice } from "../../shared/alerts/index.js";
import type { Services } from "../../shared/runtime/services.js";
import { addGlobalSink } from "../../shared/telemetry/logger.js";
import { migrateAll, problems, startSmallStack } from "./support.js";

const lines: string[] = [];
/** Exported item data (base64) and subjects the movers handled. */
const exported: string[] = [];
const subjects = new Set<string>();
/** Pre-authenticated import URLs the movers posted to. */
const importUrls = new Set<string>();
const WEBHOOK_SECRET = "Zq8vT3xWm1Lr5Kp0Hs7Yb2Nc";

let stopSink: () => void;
let receiver: WebhookReceiver;
let stack: EmbeddedStack;

/** Records what flows through the Graph APIs, to search the logs for it afterwards. */
function watchContent(built: Services): Services {
  const { api: source } = built.source;
  const exportItems = source.exportItems.bind(source);
  source.exportItems = async (...args) => {
    const items = await exportItems(...args);
    for (const item of items) {
      if (item.data === undefined) continue;
      exported.push(item.data);
      subjects.add(decodeExport(Buffer.from(item.data, "base64")).subject);
    }
    return items;
  };
  const { api: target } = built.target;
  const createImportSession = target.createImportSession.bind(target);
  target.createImportSession = async (...args) => {
    const session = await createImportSession(...args);
    importUrls.add(session.importUrl);
    return session;
  };
  return built;
}

beforeAll(async () => {
  stopSink = addGlobalSink((line) => lines.push(line));
  receiver = await startWebhookReceiver();
  stack = await startSmallStack(
    { mailboxes: 8, itemsPerMailbox: 15, seed: 7 },
    {
      decorateServices: watchContent,
      settings: {
        // A chat-style webhook whose secret is its path.
        MAILFERRY_ALERT_WEBHOOK_URL: `${receiver.url}/services/T0A1/B0B2/${WEBHOOK_SECRET}`,
        MAILFERRY_ALERTS_SCHEDULE: "* * * * * *",
        MAILFERRY_ALERT_MIN_SAMPLE: "2",
        MAILFERRY_ALERT_FAILURE_PERCENT: "1",
        MAILFERRY_ALERT_PREFLIGHT_PERCENT: "1",
      },
    },
  );
});

afterAll(async () => {
  await stack.close();
  await receiver.close();
  stopSink();
});

async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Distinctive pieces of a secret or content string, long enough never to match by chance. */
function fragments(value: string, size = 24): string[] {
  if (value.length <= size) return [value];
  const middle = Math.floor(value.length / 2);
  return [value.slice(0, size), value.slice(middle, middle + size), value.slice(-size)];
}

function connectionPart(connectionString: string, key: string): string {
  const part = connectionString
    .split(";")
    .find((entry) => entry.toLowerCase().startsWith(`${key.toLowerCase()}=`));
  return part?.slice(key.length + 1) ?? "";
}

describe("log redaction on a whole run", () => {
  it("migrates, fires alerts, and writes no secret, token or mail content to any log", async () => {
    const verification = await migrateAll(stack, "redaction");
    expect(problems(verification)).toEqual([]);
    expect(verification.verdicts.some((verdict) => verdict.status === "Failed")).toBe(true);

    // The planted failures (missing users and licences: pre-flight) fire their alert, on the
    // webhook and by mail.
    await until(
      () =>
        receiver.received().some((webhook) => parseAlertNotice(webhook.body)?.rule === "preflight-failures"),
      "the pre-flight failures alert on the webhook",
    );
    expect(receiver.received()[0]?.path).toBe(`/alerts/services/T0A1/B0B2/${WEBHOOK_SECRET}`);
    await until(
      () =>
        stack.graph
          ?.sentMail()
          .some((mail) => mail.subject.includes("Pre-flight failures in wave redaction")) === true,
      "the pre-flight failures alert mail",
    );

    const settings = stack.settings;
    const secrets: [string, string][] = [
      ["source client secret", settings.GRAPH_SOURCE_CLIENT_SECRET ?? ""],
      ["target client secret", settings.GRAPH_TARGET_CLIENT_SECRET ?? ""],
      ["Service Bus SAS key", connectionPart(settings.ServiceBusConnection ?? "", "SharedAccessKey")],
      ["storage account key", connectionPart(settings.MailferryTables ?? "", "AccountKey")],
      ["function key", stack.host.functionKey],
      ["webhook secret", WEBHOOK_SECRET],
    ];
    for (const [what, value] of secrets) expect(value.length, what).toBeGreaterThan(8);
    expect(importUrls.size).toBeGreaterThan(0);
    for (const url of importUrls) secrets.push(["import URL", new URL(url).search || url]);
    expect(exported.length).toBeGreaterThan(20);
    const content: [string, string][] = [
      ...exported.flatMap((data) =>
        fragments(data).map((piece): [string, string] => ["exported item data", piece]),
      ),
      ...[...subjects]
        .filter((subject) => subject.length >= 12)
        .map((subject): [string, string] => ["subject", subject]),
    ];
    expect(content.length).toBeGreaterThan(20);

    // Every part of the run logged, the alerts among them.
    expect(lines.length).toBeGreaterThan(100);
    const log = lines.join("\n");
    expect(log).toMatch(/alert firing: Pre-flight failures in wave redaction/);
    const leaks: string[] = [];
    for (const [what, value] of [...secrets, ...content]) {
      for (const piece of what === "exported item data" ? [value] : fragments(value)) {
        if (log.includes(piece)) leaks.push(`${what}: ${piece}`);
      }
    }
    // Credentials of any kind, whoever issued them.
    const patterns: [string, RegExp][] = [
      ["JWT", /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
      ["bearer token", /Bearer\s+(?!\[redacted\])\S{8,}/i],
      ["SAS key", /SharedAccessKey=(?!\[redacted\])[^;"\s]+/i],
      ["account key", /AccountKey=(?!\[redacted\])[^;"\s]+/i],
      ["SAS signature", /\bsig=(?!\[redacted\])[^&"\s]+/i],
      ["client secret in a URL", /client_secret=(?!\[redacted\])[^&"\s]+/i],
    ];
    for (const [what, pattern] of patterns) {
      const match = pattern.exec(log);
      if (match) leaks.push(`${what}: ${match[0]}`);
    }
    expect(leaks).toEqual([]);
  });
});
