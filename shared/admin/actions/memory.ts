import type { OperatorAction, OperatorActionLog } from "./port.js";

/** In-memory OperatorActionLog for unit tests. */
export class InMemoryOperatorActionLog implements OperatorActionLog {
  private readonly records = new Map<string, OperatorAction>();

  put(action: OperatorAction): Promise<void> {
    this.records.set(action.id, action);
    return Promise.resolve();
  }

  list(limit: number): Promise<OperatorAction[]> {
    // The table's order: newest start first, then by id in code-unit order (its row keys).
    const newestFirst = [...this.records.values()].sort((a, b) =>
      a.at !== b.at ? Date.parse(b.at) - Date.parse(a.at) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return Promise.resolve(newestFirst.slice(0, limit));
  }
}
