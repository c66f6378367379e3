import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import {
  OPERATOR_ACTION_KINDS,
  type OperatorAction,
  type OperatorActionLog,
  type OperatorActionOutcome,
} from "./port.js";

/*
 * One partition per month (`a<yyyymm>`), rows keyed by the inverted start time and the id, so a
 * partition lists newest first and the latest actions are read from the current month backwards.
 */
const INVERT_FROM = 10 ** 13;
const MONTHS_SEARCHED = 36;
const MAX_FILTER_CHARS = 30_000;

function partitionOf(at: Date): string {
  return `a${at.toISOString().slice(0, 7).replace("-", "")}`;
}

function rowKeyOf(action: Pick<OperatorAction, "at" | "id">): string {
  return `${String(INVERT_FROM - Date.parse(action.at)).padStart(13, "0")}-${action.id}`;
}

const OUTCOMES: readonly OperatorActionOutcome[] = ["started", "completed", "stopped", "failed"];

const rowSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  via: z.enum(["http", "cli"]),
  action: z.enum(OPERATOR_ACTION_KINDS),
  target: z.string(),
  filter: z.string(),
  count: z.number(),
  outcome: z.enum(OUTCOMES),
  detail: z.string().optional(),
  finishedAt: z.string().optional(),
});

function parseFilter(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text };
  }
}

/** OperatorActionLog on Azure Table Storage. */
export class TablesOperatorActionLog implements OperatorActionLog {
  constructor(private readonly table: TableClient) {}

  async put(action: OperatorAction): Promise<void> {
    const filter = JSON.stringify(action.filter);
    await this.table.upsertEntity(
      {
        partitionKey: partitionOf(new Date(action.at)),
        rowKey: rowKeyOf(action),
        id: action.id,
        at: action.at,
        actor: action.actor,
        via: action.via,
        action: action.action,
        target: action.target,
        // A list of account ids can be long; the record keeps its start, the count says the rest.
        filter:
          filter.length > MAX_FILTER_CHARS ? JSON.stringify({ truncated: filter.slice(0, 1000) }) : filter,
        count: action.count,
        outcome: action.outcome,
        ...(action.detail !== undefined ? { detail: action.detail } : {}),
        ...(action.finishedAt !== undefined ? { finishedAt: action.finishedAt } : {}),
      },
      "Replace",
    );
  }

  async list(limit: number): Promise<OperatorAction[]> {
    const out: OperatorAction[] = [];
    const month = new Date();
    month.setUTCDate(1);
    for (let i = 0; i < MONTHS_SEARCHED && out.length < limit; i++) {
      const filter = `PartitionKey eq '${partitionOf(month)}'`;
      for await (const entity of this.table.listEntities({ queryOptions: { filter } })) {
        const row = rowSchema.safeParse(entity);
        // A row this version cannot read is skipped rather than failing the whole listing.
        if (!row.success) continue;
        const { filter: filterText, detail, finishedAt, ...rest } = row.data;
        out.push({
          ...rest,
          filter: parseFilter(filterText),
          ...(detail !== undefined ? { detail } : {}),
          ...(finishedAt !== undefined ? { finishedAt } : {}),
        });
        if (out.length >= limit) break;
      }
      month.setUTCMonth(month.getUTCMonth() - 1);
    }
    return out;
  }
}
