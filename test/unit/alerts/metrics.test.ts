import { metrics as otelMetrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import { afterEach, describe, expect, it } from "vitest";
import { startTelemetry, ingestionCredential } from "../../../shared/telemetry/export.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { createMetrics, metrics, METRIC_NAMES } from "../../../shared/telemetry/metrics.js";

/** A reader the test collects from on demand, with delta temporality like the Azure Monitor exporter. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  async metricsByName(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
    return out;
  }
}

function values(metric: MetricData | undefined): [Record<string, unknown>, unknown][] {
  return (metric?.dataPoints ?? []).map((point) => [point.attributes, point.value]);
}

afterEach(() => {
  otelMetrics.disable();
});

describe("metrics", () => {
  it("records slices, outcomes, dead-letter depths and the failure rate under their names", async () => {
    const reader = new CollectingReader();
    let now = 1_000_000;
    const recorded = createMetrics(new MeterProvider({ readers: [reader] }), {
      now: () => now,
      freshForMs: 10 * 60_000,
    });
    recorded.slice({
      waveId: "w1",
      outcome: "more",
      requests: 40,
      throttled: 1,
      items: 12,
      bytes: 3_000,
      durationMs: 900,
    });
    recorded.slice({
      waveId: "w1",
      outcome: "done",
      requests: 10,
      throttled: 0,
      items: 3,
      bytes: 1_000,
      durationMs: 300,
    });
    recorded.accountOutcome("w1", "Completed");
    recorded.accountOutcome("w1", "Failed");
    recorded.accountOutcome("w1", "Completed");
    recorded.deadLetterDepth("moves", 4);
    recorded.deadLetterDepth("moves", 6);
    recorded.failureRate("w1", 0.125);
    const byName = await reader.metricsByName();
    expect(values(byName.get(METRIC_NAMES.requests))).toEqual([[{ waveId: "w1" }, 50]]);
    expect(values(byName.get(METRIC_NAMES.throttled))).toEqual([[{ waveId: "w1" }, 1]]);
    expect(values(byName.get(METRIC_NAMES.items))).toEqual([[{ waveId: "w1" }, 15]]);
    expect(values(byName.get(METRIC_NAMES.bytes))).toEqual([[{ waveId: "w1" }, 4_000]]);
    expect(values(byName.get(METRIC_NAMES.accounts))).toEqual([
      [{ waveId: "w1", outcome: "Completed" }, 2],
      [{ waveId: "w1", outcome: "Failed" }, 1],
    ]);
    expect(values(byName.get(METRIC_NAMES.deadLetterDepth))).toEqual([[{ queue: "moves" }, 6]]);
    // The name the Azure Monitor log alert in infra/app/alerts.bicep queries.
    expect(METRIC_NAMES.failureRate).toBe("mailferry.failure_rate");
    expect(values(byName.get("mailferry.failure_rate"))).toEqual([[{ waveId: "w1" }, 0.125]]);
    const durations = byName.get(METRIC_NAMES.sliceDuration);
    expect(durations?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(durations?.dataPoints.map((point) => point.attributes.outcome)).toEqual(["more", "done"]);
    // A rate nobody measured for ten minutes is no longer reported (its wave finished, say).
    now += 9 * 60_000;
    recorded.failureRate("w2", 0.5);
    now += 2 * 60_000;
    const later = await reader.metricsByName();
    expect(values(later.get(METRIC_NAMES.failureRate))).toEqual([[{ waveId: "w2" }, 0.5]]);
    expect(values(later.get(METRIC_NAMES.deadLetterDepth))).toEqual([]);
  });

  it("records nothing until a provider is registered, then follows it", async () => {
    metrics().failureRate("w1", 0.5);
    const reader = new CollectingReader();
    otelMetrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    metrics().failureRate("w1", 0.25);
    expect(values((await reader.metricsByName()).get(METRIC_NAMES.failureRate))).toEqual([
      [{ waveId: "w1" }, 0.25],
    ]);
  });
});

describe("telemetry export", () => {
  it("exports nowhere without an Application Insights connection string", async () => {
    const handle = await startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: " " }, silentLogger);
    expect(handle.exporting).toBe(false);
    await handle.shutdown();
  });

  it("signs ingestion in with the identity the authentication string names", () => {
    expect(ingestionCredential(undefined)).toBeUndefined();
    expect(
      ingestionCredential("ClientId=00000000-0000-4000-8000-000000000001;Authorization=AAD"),
    ).toBeDefined();
    expect(() => ingestionCredential("Authorization=Key")).toThrow(
      /APPLICATIONINSIGHTS_AUTHENTICATION_STRING/,
    );
  });
});
