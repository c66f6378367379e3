import cliProgress from "cli-progress";
import type { WaveCounts } from "../../shared/domain/index.js";
import { settledCount } from "./wave.js";

export interface ProgressFigures {
  readonly counts: WaveCounts;
  readonly throttledShare: number;
}

const STATUS_LABELS: readonly [keyof WaveCounts["byStatus"], string][] = [
  ["Pending", "pend"],
  ["Queued", "queued"],
  ["Syncing", "sync"],
  ["Synced", "synced"],
  ["Completing", "cut"],
  ["Completed", "done"],
  ["CompletedWithWarnings", "warn"],
  ["Failed", "failed"],
];

/**
 * Live progress of a wave: a bar on a terminal, a plain line every few seconds otherwise. Rates
 * are measured over a sliding window, since counters move in slice-sized steps.
 */
export class WaveProgress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly samples: { at: number; items: number; bytes: number; settled: number }[] = [];
  private lastLine = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void,
    interactive: boolean,
  ) {
    if (interactive) {
      this.bar = new cliProgress.SingleBar(
        {
          format:
            "{bar} {value}/{total} settled | {statuses} | {rate} | throttled {throttled} | ETA {eta_text}",
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { statuses: "", rate: "", throttled: "", eta_text: "" });
    }
  }

  /** Records a new reading and redraws. */
  update(figures: ProgressFigures): void {
    const now = Date.now();
    const { counts } = figures;
    const settled = settledCount(counts);
    this.samples.push({ at: now, items: counts.items, bytes: counts.bytes, settled });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? now) < now - 10_000) this.samples.shift();
    const first = this.samples[0];
    const seconds = first ? Math.max(0.001, (now - first.at) / 1000) : 1;
    const itemsPerSecond = first ? (counts.items - first.items) / seconds : 0;
    const megabytesPerSecond = first ? (counts.bytes - first.bytes) / seconds / 1_048_576 : 0;
    const settledPerSecond = settled / Math.max(0.001, (now - this.started) / 1000);
    const eta =
      settled >= this.total
        ? "0s"
        : settledPerSecond > 0
          ? `${Math.round((this.total - settled) / settledPerSecond)}s`
          : "…";
    const statuses = STATUS_LABELS.filter(([status]) => counts.byStatus[status] > 0)
      .map(([status, label]) => `${label} ${counts.byStatus[status]}`)
      .join(" ");
    const rate = `${itemsPerSecond.toFixed(0)} items/s ${megabytesPerSecond.toFixed(2)} MB/s`;
    const throttled = `${(figures.throttledShare * 100).toFixed(1)}%`;
    if (this.bar) {
      this.bar.update(settled, { statuses, rate, throttled, eta_text: eta });
    } else if (now - this.lastLine >= 5_000 || settled >= this.total) {
      this.lastLine = now;
      this.write(
        `${settled}/${this.total} settled | ${statuses} | ${rate} | throttled ${throttled} | ETA ${eta}`,
      );
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
