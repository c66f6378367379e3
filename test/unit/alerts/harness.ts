/**
 * An alert evaluation on in-memory ports with a clock the test moves by hand.
 */
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import type { ActivityRecord } from "../../../shared/activity/port.js";
import {
  AlertNotifier,
  InMemoryAlertStateStore,
  InMemoryQueueDepths,
  runAlerts,
  type AlertNotice,
  type AlertRun,
  type NoticeChannel,
} from "../../../shared/alerts/index.js";
import { readAlertSettings, type AlertSettings } from "../../../shared/config/index.js";
import { defineWave, type WaveWindow } from "../../../shared/domain/index.js";
import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { createMemoryStore, type MigrationStore } from "../../../shared/store/index.js";
import { createLogger, type Logger } from "../../../shared/telemetry/logger.js";
import type { MailferryMetrics } from "../../../shared/telemetry/metrics.js";
import { T0 } from "../../factories/index.js";

/** A channel that keeps what it was given, or fails every time when told to. */
export class RecordingChannel implements NoticeChannel {
  readonly sent: AlertNotice[] = [];
  failing = false;
  constructor(readonly name = "recording") {}

  send(notice: AlertNotice): Promise<void> {
    if (this.failing) return Promise.reject(new Error(`${this.name} is down`));
    this.sent.push(notice);
    return Promise.resolve();
  }
}

/** A metrics sink that keeps the last failure rate and depth it was given. */
export class RecordingMetrics implements MailferryMetrics {
  readonly failureRates = new Map<string, number>();
  readonly depths = new Map<string, number>();
  slice(): void {
    // Not used by the alert evaluation.
  }
  accountOutcome(): void {
    // Not used by the alert evaluation.
  }
  deadLetterDepth(queue: string, depth: number): void {
    this.depths.set(queue, depth);
  }
  failureRate(waveId: string, rate: number): void {
    this.failureRates.set(waveId, rate);
  }
}

/** A window that is open all day, every day, in UTC. */
export const ALWAYS_OPEN: readonly WaveWindow[] = [
  {
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    start: "00:00",
    end: "24:00",
    capacity: 1_000,
  },
];

export interface Harness {
  readonly store: MigrationStore;
  readonly activity: InMemoryActivityLog;
  readonly releases: InMemoryReleaseLedger;
  readonly states: InMemoryAlertStateStore;
  readonly depths: InMemoryQueueDepths;
  readonly channel: RecordingChannel;
  readonly metrics: RecordingMetrics;
  readonly settings: AlertSettings;
  /** Every log line the evaluation wrote. */
  readonly lines: string[];
  readonly logger: Logger;
  /** The clock's current time. */
  now(): Date;
  /** Moves the clock on. */
  advance(minutes: number): void;
  /** Runs one evaluation at the current time. */
  evaluate(channels?: readonly NoticeChannel[]): Promise<AlertRun>;
  /** Records `count` account outcomes of `kind` for a wave, `minutesAgo` before now. */
  outcomes(kind: "completed" | "failed", count: number, waveId?: string, minutesAgo?: number): Promise<void>;
  /** Records a slice with these Graph figures, now. */
  slice(requests: number, throttled: number, waveId?: string): Promise<void>;
  /** Creates an Active wave open all day. */
  activeWave(waveId?: string): Promise<void>;
}

let sequence = 0;

/** A harness at T0 with the given settings (environment-style, as operators write them). */
export function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  let clock = T0.getTime();
  const store = createMemoryStore();
  const activity = new InMemoryActivityLog();
  const releases = new InMemoryReleaseLedger();
  const states = new InMemoryAlertStateStore();
  const depths = new InMemoryQueueDepths();
  const channel = new RecordingChannel();
  const metrics = new RecordingMetrics();
  const settings = readAlertSettings(env);
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", sink: (line) => lines.push(line) });
  const record = (entry: Omit<ActivityRecord, "id" | "accountId">): Promise<void> => {
    sequence += 1;
    return activity.record({ ...entry, id: `r${sequence}`, accountId: `a${sequence}` });
  };
  const harness: Harness = {
    store,
    activity,
    releases,
    states,
    depths,
    channel,
    metrics,
    settings,
    lines,
    logger,
    now: () => new Date(clock),
    advance(minutes) {
      clock += minutes * 60_000;
    },
    evaluate(channels = [channel]) {
      return runAlerts({
        store,
        activity,
        releases,
        states,
        depths,
        notifier: new AlertNotifier(channels, logger),
        settings,
        queues: ["moves"],
        logger,
        metrics,
        now: () => new Date(clock),
      });
    },
    async outcomes(kind, count, waveId = "w1", minutesAgo = 1) {
      for (let n = 0; n < count; n += 1) {
        await record({
          waveId,
          kind,
          at: clock - minutesAgo * 60_000,
          requests: 0,
          throttled: 0,
          items: 0,
          bytes: 0,
          durationMs: 0,
        });
      }
    },
    slice(requests, throttled, waveId = "w1") {
      return record({
        waveId,
        kind: "slice",
        at: clock - 1_000,
        requests,
        throttled,
        items: 10,
        bytes: 1_000,
        durationMs: 1_000,
      });
    },
    async activeWave(waveId = "w1") {
      await store.waves.create(defineWave({ id: waveId, timeZone: "UTC", windows: ALWAYS_OPEN }, T0));
      await store.waves.updateStatus(waveId, "Active", T0);
    },
  };
  return Promise.resolve(harness);
}
