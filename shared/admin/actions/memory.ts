import type { OperatorAction, OperatorActionLog } from "./port.js";

/** In-memory OperatorActionLog for unit tests. */
export class InMemoryOperatorActionLog implements OperatorActionLog {
  private readonly records = new Map<string, OperatorAction>();

  put(action: OperatorAction): Promise<void> {
    this.records.set(action.id, action);
    return Promise.resolve();
  }

  list(limit: number): Promise<OperatorAction[]> {
    const newestFirst = [...this.records.values()].sort((a, b) =>
      a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at),
    );
    return Promise.resolve(newestFirst.slice(0, limit));
  }
}
