import { RestError, type TableClient } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../../tables/keys.js";
import { AlertStateConflictError } from "../errors.js";
import { RULE_IDS, ruleKey, type RuleId } from "../rules.js";
import type { AlertStatus, RuleState } from "./machine.js";
import type { AlertStateStore } from "./port.js";

/*
 * One partition per rule, one row per subject. Only the alerts timer writes here, and the
 * Functions host runs a timer on one instance at a time; the ETag guards the rare overlap.
 */
interface Row {
  partitionKey: string;
  rowKey: string;
  status: AlertStatus;
  /** Latest evaluations, oldest first, as 1 (breached) and 0. */
  recent: string;
  value: number;
  summary: string;
  evaluatedAt: number;
  changedAt: number;
  since?: number;
  announcedAt?: number;
  announced: boolean;
}

function isRule(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

function toState(row: Row & { etag?: string }): RuleState | undefined {
  if (!isRule(row.partitionKey)) return undefined;
  return {
    rule: row.partitionKey,
    subject: decodeKey(row.rowKey),
    status: row.status,
    recent: Array.from(row.recent, (flag) => flag === "1"),
    value: row.value,
    summary: row.summary,
    evaluatedAt: row.evaluatedAt,
    changedAt: row.changedAt,
    announced: row.announced,
    ...(typeof row.since === "number" ? { since: row.since } : {}),
    ...(typeof row.announcedAt === "number" ? { announcedAt: row.announcedAt } : {}),
    ...(row.etag !== undefined ? { etag: row.etag } : {}),
  };
}

function toRow(state: RuleState): Row {
  return {
    partitionKey: state.rule,
    rowKey: encodeKey(state.subject),
    status: state.status,
    recent: state.recent.map((flag) => (flag ? "1" : "0")).join(""),
    value: state.value,
    summary: state.summary,
    evaluatedAt: state.evaluatedAt,
    changedAt: state.changedAt,
    announced: state.announced,
    ...(state.since !== undefined ? { since: state.since } : {}),
    ...(state.announcedAt !== undefined ? { announcedAt: state.announcedAt } : {}),
  };
}

/** AlertStateStore on Azure Table Storage. */
export class TablesAlertStateStore implements AlertStateStore {
  constructor(private readonly table: TableClient) {}

  async list(): Promise<RuleState[]> {
    const out: RuleState[] = [];
    for await (const row of this.table.listEntities<Row>()) {
      const state = toState(row);
      if (state) out.push(state);
    }
    return out;
  }

  async put(state: RuleState): Promise<RuleState> {
    const row = toRow(state);
    try {
      const written =
        state.etag !== undefined
          ? await this.table.updateEntity(row, "Replace", { etag: state.etag })
          : await this.table.createEntity(row);
      return { ...state, ...(written.etag !== undefined ? { etag: written.etag } : {}) };
    } catch (error) {
      // 404: the state read was removed since, so the read is as stale as after another write.
      const gone = state.etag !== undefined && error instanceof RestError && error.statusCode === 404;
      if (gone || (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) {
        throw new AlertStateConflictError(ruleKey(state.rule, state.subject), { cause: error });
      }
      throw error;
    }
  }
}
