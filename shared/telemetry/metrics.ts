/**
 * mailferry's metrics, through the OpenTelemetry API. Nothing is exported unless a meter provider
 * is registered (see startTelemetry): until then every instrument is the API's no-op, so callers
 * record unconditionally at no cost.
 */
import {
  metrics as otelMetrics,
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableResult,
} from "@opentelemetry/api";

/** Name of the meter every mailferry instrument belongs to. */
export const METER_NAME = "mailferry";

/** Metric names; the failure rate's name is what the Azure Monitor alert in infra/ queries. */
export const METRIC_NAMES = {
  accounts: "mailferry.accounts",
  items: "mailferry.items_moved",
  bytes: "mailferry.bytes_moved",
  requests: "mailferry.graph.requests",
  throttled: "mailferry.graph.throttled",
  sliceDuration: "mailferry.slice.duration",
  deadLetterDepth: "mailferry.deadletter.depth",
  failureRate: "mailferry.failure_rate",
} as const;

/** What one mover slice did. */
export interface SliceFigures {
  readonly waveId: string;
  /** How the slice ended: done, more, throttled. */
  readonly outcome: string;
  readonly requests: number;
  readonly throttled: number;
  readonly items: number;
  readonly bytes: number;
  readonly durationMs: number;
}

/** The figures the pipeline reports. Account ids never become attributes (unbounded cardinality). */
export interface MailferryMetrics {
  /** A mover slice ended. */
  slice(figures: SliceFigures): void;
  /** An account reached an outcome (Completed, CompletedWithWarnings, Failed). */
  accountOutcome(waveId: string, outcome: string): void;
  /** The dead-letter depth of a queue, as last measured. */
  deadLetterDepth(queue: string, depth: number): void;
  /** A wave's failure rate (0..1) over the alert window, as last evaluated. */
  failureRate(waveId: string, rate: number): void;
}

export interface MetricsOptions {
  /** Epoch ms now (a test's clock). */
  readonly now?: () => number;
  /** A measured value is reported for this long after it was measured (default 10 min). */
  readonly freshForMs?: number;
}

/**
 * The latest value per attribute set, reported while fresh. A plain gauge would repeat the last
 * value for as long as the process lives, so a wave whose rate is no longer evaluated (it finished,
 * or its sample shrank) would keep the Azure Monitor alert firing.
 */
class LatestValues {
  private readonly values = new Map<string, { value: number; attributes: Attributes; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly freshForMs: number,
  ) {}

  set(key: string, value: number, attributes: Attributes): void {
    this.values.set(key, { value, attributes, at: this.now() });
  }

  observe(result: ObservableResult): void {
    const oldest = this.now() - this.freshForMs;
    for (const [key, entry] of this.values) {
      if (entry.at < oldest) this.values.delete(key);
      else result.observe(entry.value, entry.attributes);
    }
  }
}

interface Instruments {
  readonly accounts: Counter;
  readonly items: Counter;
  readonly bytes: Counter;
  readonly requests: Counter;
  readonly throttled: Counter;
  readonly sliceDuration: Histogram;
  readonly deadLetterDepths: LatestValues;
  readonly failureRates: LatestValues;
}

function instruments(provider: MeterProvider, options: MetricsOptions): Instruments {
  const now = options.now ?? Date.now;
  const freshForMs = options.freshForMs ?? 10 * 60_000;
  const deadLetterDepths = new LatestValues(now, freshForMs);
  const failureRates = new LatestValues(now, freshForMs);
  const meter = provider.getMeter(METER_NAME);
  meter
    .createObservableGauge(METRIC_NAMES.deadLetterDepth, {
      description: "Messages in a queue's dead-letter sub-queue, as last measured",
      unit: "{message}",
    })
    .addCallback((result) => deadLetterDepths.observe(result));
  meter
    .createObservableGauge(METRIC_NAMES.failureRate, {
      description: "Failed share of finished accounts per wave over the alert window (0..1)",
      unit: "1",
    })
    .addCallback((result) => failureRates.observe(result));
  return {
    accounts: meter.createCounter(METRIC_NAMES.accounts, {
      description: "Accounts that reached an outcome, by outcome",
      unit: "{account}",
    }),
    items: meter.createCounter(METRIC_NAMES.items, { description: "Mail items moved", unit: "{item}" }),
    bytes: meter.createCounter(METRIC_NAMES.bytes, { description: "Bytes of mail moved", unit: "By" }),
    requests: meter.createCounter(METRIC_NAMES.requests, {
      description: "Microsoft Graph requests made by movers",
      unit: "{request}",
    }),
    throttled: meter.createCounter(METRIC_NAMES.throttled, {
      description: "Graph throttling (429) that ended a mover slice",
      unit: "{request}",
    }),
    sliceDuration: meter.createHistogram(METRIC_NAMES.sliceDuration, {
      description: "How long mover slices ran",
      unit: "ms",
    }),
    deadLetterDepths,
    failureRates,
  };
}

/** Metrics recorded through `provider` (a test's own provider, or the global one). */
export function createMetrics(provider: MeterProvider, options: MetricsOptions = {}): MailferryMetrics {
  const built = instruments(provider, options);
  return {
    slice(figures) {
      const wave = { waveId: figures.waveId };
      built.requests.add(figures.requests, wave);
      built.throttled.add(figures.throttled, wave);
      built.items.add(figures.items, wave);
      built.bytes.add(figures.bytes, wave);
      built.sliceDuration.record(figures.durationMs, { ...wave, outcome: figures.outcome });
    },
    accountOutcome(waveId, outcome) {
      built.accounts.add(1, { waveId, outcome });
    },
    deadLetterDepth(queue, depth) {
      built.deadLetterDepths.set(queue, depth, { queue });
    },
    failureRate(waveId, rate) {
      built.failureRates.set(waveId, rate, { waveId });
    },
  };
}

let bound: { provider: MeterProvider; metrics: MailferryMetrics } | undefined;

/**
 * The process's metrics, on the globally registered meter provider. The API hands out fixed
 * instruments, not proxies, so they are rebuilt when a provider is registered after first use.
 */
export function metrics(): MailferryMetrics {
  const provider = otelMetrics.getMeterProvider();
  if (bound?.provider !== provider) bound = { provider, metrics: createMetrics(provider) };
  return bound.metrics;
}
