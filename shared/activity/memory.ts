import type { ActivityLog, ActivityRecord } from "./port.js";

/** In-memory ActivityLog for unit tests. */
export class InMemoryActivityLog implements ActivityLog {
  private readonly records = new Map<string, ActivityRecord>();

  record(entry: ActivityRecord): Promise<void> {
    // As in the table: a retried write of the same record counts once and the first one stands.
    const key = `${entry.waveId}|${entry.id}`;
    if (!this.records.has(key)) this.records.set(key, entry);
    return Promise.resolve();
  }

  between(sinceMs: number, untilMs: number, waveId?: string): Promise<ActivityRecord[]> {
    return Promise.resolve(
      [...this.records.values()].filter(
        (record) =>
          record.at >= sinceMs && record.at < untilMs && (waveId === undefined || record.waveId === waveId),
      ),
    );
  }
}
