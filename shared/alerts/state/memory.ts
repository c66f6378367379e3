import { AlertStateConflictError } from "../errors.js";
import { ruleKey } from "../rules.js";
import type { RuleState } from "./machine.js";
import type { AlertStateStore } from "./port.js";

/** In-memory AlertStateStore for unit tests, with the same conditional writes as the table. */
export class InMemoryAlertStateStore implements AlertStateStore {
  private readonly states = new Map<string, RuleState>();
  private version = 0;

  list(): Promise<RuleState[]> {
    return Promise.resolve([...this.states.values()]);
  }

  put(state: RuleState): Promise<RuleState> {
    const key = ruleKey(state.rule, state.subject);
    const current = this.states.get(key);
    if (current?.etag !== state.etag) return Promise.reject(new AlertStateConflictError(key));
    this.version += 1;
    const stored = { ...state, etag: `v${this.version}` };
    this.states.set(key, stored);
    return Promise.resolve(stored);
  }
}
