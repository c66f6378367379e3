/**
 * The dashboard's answers without a host: sign-in and roles on every answer, the page and its
 * files read from the app (the charting library from node_modules), and the time series and
 * alerts built from the activity log and the alert states.
 */
import { describe, expect, it } from "vitest";
import { encodePrincipal, ROLES } from "../../../shared/admin/principal.js";
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import type { ActivityRecord } from "../../../shared/activity/port.js";
import { InMemoryAlertStateStore } from "../../../shared/alerts/index.js";
import { readAlertSettings } from "../../../shared/config/index.js";
import {
  ASSETS,
  bucketSeries,
  dashboardUrl,
  serveAsset,
  serveData,
  servePage,
  type DashboardData,
  type DashboardPorts,
  type DashboardRequest,
} from "../../../shared/dashboard/index.js";
import { defineWave } from "../../../shared/domain/index.js";
import { createMemoryStore, type MemoryStore } from "../../../shared/store/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
const OPERATOR = encodePrincipal("ops@contoso.com", [ROLES.operator]);
const NOBODY = encodePrincipal("guest@contoso.com", ["Something.Else"]);
const NOW = new Date("2026-03-02T10:30:00Z");

function request(principal: string | undefined, query: Record<string, string> = {}): DashboardRequest {
  return {
    query,
    header: (name) => (name === "x-ms-client-principal" ? (principal ?? null) : null),
    authenticationEnabled: true,
  };
}

function record(
  partial: Partial<ActivityRecord> & Pick<ActivityRecord, "id" | "at" | "kind">,
): ActivityRecord {
  return {
    waveId: "w1",
    accountId: "a1",
    requests: 0,
    throttled: 0,
    items: 0,
    bytes: 0,
    durationMs: 1000,
    ...partial,
  };
}

async function ports(
  records: readonly ActivityRecord[],
  store: MemoryStore = createMemoryStore(),
): Promise<DashboardPorts> {
  const activity = new InMemoryActivityLog();
  for (const entry of records) await activity.record(entry);
  const states = new InMemoryAlertStateStore();
  await states.put({
    rule: "failure-rate",
    subject: "w1",
    status: "firing",
    recent: [true, true],
    value: 0.4,
    summary: "2 of 5 finished accounts failed",
    evaluatedAt: NOW.getTime(),
    changedAt: NOW.getTime() - 60_000,
    since: NOW.getTime() - 60_000,
    announced: true,
  });
  await states.put({
    rule: "throttling",
    subject: "w1",
    status: "resolved",
    recent: [false],
    value: 0.01,
    summary: "1 % throttled",
    evaluatedAt: NOW.getTime(),
    changedAt: NOW.getTime() - 2 * 60 * 60_000,
    announced: true,
  });
  await states.put({
    rule: "throttling",
    subject: "w2",
    status: "resolved",
    recent: [false],
    value: 0,
    summary: "long ago",
    evaluatedAt: NOW.getTime(),
    changedAt: NOW.getTime() - 3 * 24 * 60 * 60_000,
    announced: true,
  });
  const settings = readAlertSettings({
    MAILFERRY_ALERT_FAILURE_PERCENT: "7",
    MAILFERRY_ALERT_THROTTLED_PERCENT: "12",
  });
  return {
    activity,
    store,
    alerts: () => Promise.resolve({ settings, states }),
    logger: silentLogger,
    now: () => NOW,
  };
}

describe("dashboard access", () => {
  it("refuses the page, its files and its data without a principal or without a role", async () => {
    const open = () => ports([]);
    for (const principal of [undefined, NOBODY]) {
      const expected = principal === undefined ? 401 : 403;
      expect((await servePage(request(principal), silentLogger)).status).toBe(expected);
      expect((await serveAsset(request(principal), "app.js", silentLogger)).status).toBe(expected);
      expect((await serveData(request(principal), open, silentLogger)).status).toBe(expected);
    }
  });

  it("tells the page whether the viewer may operate", async () => {
    const open = () => ports([]);
    const asReader = await serveData(request(READER), open, silentLogger);
    const asOperator = await serveData(request(OPERATOR), open, silentLogger);
    expect((asReader.jsonBody as DashboardData).viewer).toEqual({
      name: "reader@contoso.com",
      canOperate: false,
    });
    expect((asOperator.jsonBody as DashboardData).viewer).toEqual({
      name: "ops@contoso.com",
      canOperate: true,
    });
  });

  it("refuses unknown query parameters and files it does not list", async () => {
    const bad = await serveData(request(READER, { minutes: "1" }), () => ports([]), silentLogger);
    expect(bad.status).toBe(400);
    expect((await serveAsset(request(READER), "../package.json", silentLogger)).status).toBe(404);
    expect((await serveAsset(request(READER), "constructor", silentLogger)).status).toBe(404);
  });
});

describe("dashboard page", () => {
  it("passes the function key on to every file the page loads and forbids outside resources", async () => {
    const page = await servePage(request(READER, { code: "k/ey=1" }), silentLogger);
    expect(page.status).toBe(200);
    const html = String(page.body);
    expect(html).not.toContain("{{keyQuery}}");
    // The icon is inline: a browser would otherwise ask the host for /favicon.ico on every load, a 404.
    expect(html).toMatch(/<link rel="icon" href="data:[^"]*" \/>/);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((match) => match[1] ?? "")
      .filter((source) => !source.startsWith("data:"));
    expect(sources.length).toBeGreaterThanOrEqual(6);
    for (const source of sources) {
      expect(source).toMatch(/^dash\/assets\/[\w.]+\?code=k%2Fey%3D1$/);
      expect(Object.keys(ASSETS)).toContain(source.slice("dash/assets/".length, source.indexOf("?")));
    }
    expect(page.headers?.["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers?.["referrer-policy"]).toBe("no-referrer");
  });

  it("serves every listed file, the charting library included", async () => {
    for (const [name, source] of Object.entries(ASSETS)) {
      const answer = await serveAsset(request(READER), name, silentLogger);
      expect(answer.status, name).toBe(200);
      expect(answer.headers?.["content-type"]).toBe(source.contentType);
      expect((answer.body ?? "").length, name).toBeGreaterThan(100);
    }
    const library = await serveAsset(request(READER), "uplot.js", silentLogger);
    expect(Buffer.from(library.body ?? "").toString("utf8")).toContain("uPlot");
  });

  it("builds its address from the API base and the function key", () => {
    expect(dashboardUrl("http://127.0.0.1:7071/api/", "a+b")).toBe(
      "http://127.0.0.1:7071/api/dash?code=a%2Bb",
    );
  });
});

describe("dashboard data", () => {
  it("buckets the activity log into rates and shares and adds thresholds and alerts", async () => {
    const at = NOW.getTime() - 90_000;
    const records = [
      record({
        id: "s1",
        at,
        kind: "slice",
        items: 60,
        bytes: 6 * 1024 * 1024,
        requests: 100,
        throttled: 10,
      }),
      record({ id: "c1", at: at + 1000, kind: "completed" }),
      record({ id: "c2", at: at + 2000, kind: "completed" }),
      record({ id: "f1", at: at + 3000, kind: "failed", detail: "TargetNotLicensed" }),
      record({ id: "old", at: NOW.getTime() - 3 * 60 * 60_000, kind: "failed" }),
    ];
    const answer = await serveData(
      request(READER, { minutes: "60", buckets: "60", code: "x" }),
      () => ports(records),
      silentLogger,
    );
    expect(answer.status).toBe(200);
    const data = answer.jsonBody as DashboardData;
    expect(data.series.bucketMs).toBe(60_000);
    expect(data.series.points).toHaveLength(60);
    const busy = data.series.points.filter(
      (point) => point.requests > 0 || point.completed + point.failed > 0,
    );
    expect(busy).toHaveLength(1);
    const [point] = busy;
    expect(point).toMatchObject({
      completed: 2,
      failed: 1,
      items: 60,
      itemsPerSecond: 1,
      megabytesPerSecond: 0.1,
    });
    expect(point?.failureRate).toBeCloseTo(1 / 3);
    expect(point?.throttledShare).toBeCloseTo(0.1);
    expect(data.series.total).toMatchObject({ completed: 2, failed: 1, requests: 100, throttled: 10 });
    expect(data.thresholds).toEqual({ failureRate: 0.07, throttledShare: 0.12 });
    expect(data.alerts.open.map((alert) => `${alert.rule}/${alert.subject}`)).toEqual(["failure-rate/w1"]);
    expect(data.alerts.recent.map((alert) => `${alert.rule}/${alert.subject}`)).toEqual(["throttling/w1"]);
    expect(data.alerts.open[0]).toMatchObject({ severity: "critical", title: "Failure rate of wave w1" });
  });

  it("still answers with the charts when the alert states cannot be read", async () => {
    const base = await ports([]);
    const broken: DashboardPorts = { ...base, alerts: () => Promise.reject(new Error("table unavailable")) };
    const answer = await serveData(request(READER), () => Promise.resolve(broken), silentLogger);
    expect(answer.status).toBe(200);
    const data = answer.jsonBody as DashboardData;
    expect(data.alerts).toMatchObject({ available: false, error: "table unavailable" });
    expect(data.thresholds).toBeNull();
    expect(data.series.points.length).toBeGreaterThan(0);
  });

  it("leaves out records outside the span and marks empty buckets as unknown rates", () => {
    const series = bucketSeries([record({ id: "x", at: 5_000, kind: "completed" })], 10_000, 1000, 3);
    expect(series.total.completed).toBe(0);
    expect(series.points.every((point) => point.failureRate === null && point.throttledShare === null)).toBe(
      true,
    );
  });
});

describe("the charts' span", () => {
  it("follows the wave's own time, in the wave's zone, unless minutes are asked for", async () => {
    const store = createMemoryStore();
    const created = new Date(NOW.getTime() - 6 * 60 * 60_000);
    await store.waves.create(defineWave({ id: "w1", timeZone: "Europe/Berlin" }, created));
    await store.waves.updateStatus("w1", "Active", created);
    const early = record({ id: "early", at: created.getTime() + 60_000, kind: "completed" });
    const answer = await serveData(request(READER), () => ports([early], store), silentLogger);
    const data = answer.jsonBody as DashboardData;
    expect(data.timeZone).toBe("Europe/Berlin");
    expect(data.series.from).toBeLessThanOrEqual(created.getTime());
    expect(data.series.until).toBeGreaterThanOrEqual(NOW.getTime());
    expect(data.series.total.completed).toBe(1);
    // Asked for the last hour, the wave's first completion is outside the span.
    const hour = await serveData(
      request(READER, { minutes: "60" }),
      () => ports([early], store),
      silentLogger,
    );
    expect((hour.jsonBody as DashboardData).series.total.completed).toBe(0);
  });
});
