/**
 * Live progress of the demo's wave. On a terminal: three lines that cli-progress redraws in place,
 * with anything else written meanwhile (alerts, log lines) printed above them, never into them.
 * Otherwise: the same figures as plain lines every few seconds. Every line fits 80 columns.
 */
import cliProgress from "cli-progress";
import type { WaveCounts } from "../../shared/domain/index.js";
import { settledCount } from "./wave.js";

export interface ProgressFigures {
  readonly counts: WaveCounts;
  readonly throttledShare: number;
}

/** The widest a line may be: one less than 80 columns, so a terminal never wraps it. */
export const LINE_WIDTH = 79;

const BAR_SIZE = 20;
const ERASE_LINE = "\x1b[2K";
const PLAIN_EVERY_MS = 5_000;

/** What the labels mean, printed once before the progress starts. */
export const LEGEND: readonly string[] = [
  "progress, every second (accounts by status):",
  "  waiting   imported or released, not yet copying (Pending, Queued)",
  "  copying   initial copy or incremental pass running (Syncing)",
  "  synced    copied, waiting for its cutover (Synced)",
  "  cutover   final pass and finalize actions running (Completing)",
  "  done, warnings, failed   settled: Completed, CompletedWithWarnings, Failed",
  "  settled   done + warnings + failed (+ Stopped, Skipped)",
  "  throttled share of Graph requests answered 429 in the last minute",
];

/** A rate and ETA reading, as WaveProgress measures them. */
export interface Pace {
  readonly itemsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** Seconds left at the settling pace so far; undefined before anything settled. */
  readonly etaSeconds: number | undefined;
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "…";
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
}

function fit(line: string): string {
  return line.length <= LINE_WIDTH ? line : `${line.slice(0, LINE_WIDTH - 1)}…`;
}

/**
 * The three progress lines, without the bar (which cli-progress draws in front of the first):
 * settled and pace; the accounts in flight; the settled ones and throttling.
 */
export function progressLines(total: number, figures: ProgressFigures, pace: Pace): [string, string, string] {
  const { byStatus } = figures.counts;
  const settled = settledCount(figures.counts);
  return [
    fit(
      `${settled}/${total} settled  ${pace.itemsPerSecond.toFixed(0)} items/s ${pace.megabytesPerSecond.toFixed(1)} MB/s  ETA ${duration(pace.etaSeconds)}`,
    ),
    fit(
      `waiting ${byStatus.Pending + byStatus.Queued}  copying ${byStatus.Syncing}  synced ${byStatus.Synced}  cutover ${byStatus.Completing}`,
    ),
    fit(
      `done ${byStatus.Completed}  warnings ${byStatus.CompletedWithWarnings}  failed ${byStatus.Failed}  throttled ${(figures.throttledShare * 100).toFixed(1)}%`,
    ),
  ];
}

/** A terminal stream as the bars need it: writes, and the size and cursor control of a TTY. */
export type ProgressStream = NodeJS.WriteStream;

type Write = NodeJS.WriteStream["write"];

/**
 * Live progress of a wave. Rates are measured over a sliding window, since counters move in
 * slice-sized steps.
 */
export class WaveProgress {
  private readonly bars:
    | {
        multi: cliProgress.MultiBar;
        lines: [cliProgress.SingleBar, cliProgress.SingleBar, cliProgress.SingleBar];
      }
    | undefined;
  private readonly restore: (() => void)[] = [];
  private readonly samples: { at: number; items: number; bytes: number }[] = [];
  private lastPlain = 0;
  private readonly started = Date.now();

  /**
   * @param write prints one line (plain mode, and the legend)
   * @param terminal the TTY to draw on, or undefined for plain lines
   * @param capture streams whose other writes go above the bars while they are drawn (default:
   *   the terminal and stderr, where the stack's log lines go)
   */
  constructor(
    private readonly total: number,
    private readonly write: (line: string) => void,
    terminal: ProgressStream | undefined,
    capture: readonly ProgressStream[] = terminal === undefined ? [] : [terminal, process.stderr],
  ) {
    for (const line of LEGEND) write(line);
    if (terminal === undefined) return;
    // The bars write through the stream's own write; everything else written to the captured
    // streams meanwhile is queued and printed above the bars at their next redraw.
    const own: Write = terminal.write.bind(terminal);
    const drawOn = Object.create(terminal, { write: { value: own } }) as ProgressStream;
    const multi = new cliProgress.MultiBar(
      {
        stream: drawOn,
        hideCursor: true,
        clearOnComplete: false,
        barsize: BAR_SIZE,
        format: "{line}",
        autopadding: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bars = {
      multi,
      lines: [
        // Each bar its own payload object: cli-progress keeps and updates the one it is given.
        multi.create(total, 0, { line: "" }, { format: "{bar} {line}" }),
        multi.create(total, 0, { line: "" }),
        multi.create(total, 0, { line: "" }),
      ],
    };
    for (const stream of new Set(capture)) {
      const ownWrite = Object.getOwnPropertyDescriptor(stream, "write");
      const queued: Write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        // Each line erases the row it lands on: a bar drew there before, and a shorter line
        // would leave the end of it behind.
        multi.log(text.replace(/^(?=.)/gm, ERASE_LINE));
        const callback = rest.find((arg): arg is () => void => typeof arg === "function");
        callback?.();
        return true;
      }) as Write;
      Object.defineProperty(stream, "write", { value: queued, configurable: true, writable: true });
      this.restore.push(() => {
        if (ownWrite === undefined) Reflect.deleteProperty(stream, "write");
        else Object.defineProperty(stream, "write", ownWrite);
      });
    }
  }

  /** Records a new reading and redraws (or, without a terminal, prints a line now and then). */
  update(figures: ProgressFigures): void {
    const now = Date.now();
    const { counts } = figures;
    const settled = settledCount(counts);
    this.samples.push({ at: now, items: counts.items, bytes: counts.bytes });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? now) < now - 10_000) this.samples.shift();
    const first = this.samples[0];
    const seconds = first ? Math.max(0.001, (now - first.at) / 1000) : 1;
    const settledPerSecond = settled / Math.max(0.001, (now - this.started) / 1000);
    const pace: Pace = {
      itemsPerSecond: first ? (counts.items - first.items) / seconds : 0,
      megabytesPerSecond: first ? (counts.bytes - first.bytes) / seconds / 1_048_576 : 0,
      etaSeconds:
        settled >= this.total
          ? 0
          : settledPerSecond > 0
            ? (this.total - settled) / settledPerSecond
            : undefined,
    };
    const lines = progressLines(this.total, figures, pace);
    if (this.bars) {
      // The first line shares its row with the bar.
      const [head, ...rest] = lines;
      this.bars.lines[0].update(settled, { line: head.slice(0, LINE_WIDTH - BAR_SIZE - 1) });
      rest.forEach((line, i) => this.bars?.lines[i + 1]?.update(settled, { line }));
    } else if (now - this.lastPlain >= PLAIN_EVERY_MS || settled >= this.total) {
      this.lastPlain = now;
      lines.forEach((line, i) => this.write(i === 0 ? line : fit(`  ${line}`)));
    }
  }

  /** Draws the last reading, stops redrawing and gives the captured streams back. */
  stop(): void {
    // A redraw first, so that lines still queued for above the bars are printed.
    this.bars?.multi.update();
    this.bars?.multi.stop();
    for (const restore of this.restore.splice(0)) restore();
  }
}
