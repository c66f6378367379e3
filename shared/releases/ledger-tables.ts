import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import { encodeKey } from "../tables/keys.js";
import type { ReleaseLedger, ReleaseState, SendIntent } from "./ledger.js";

/** Characters per string property: Table Storage allows 64 KiB, that is 32K UTF-16 characters. */
const PART_CHARS = 30_000;
const SEND_PREFIX = "send-";

interface IntentEntity {
  readonly rowKey?: string;
  readonly parts: number;
  readonly [part: `p${number}`]: string;
}

/*
 * One partition per wave: a row per window occurrence (`w<start>`), a `rate` row and a
 * `send-<time>-<uuid>` row per outbox intent (its account ids as JSON, split over properties).
 * Only the scheduler writes here, and the Functions host runs a timer on one instance at a time.
 */
export class TablesReleaseLedger implements ReleaseLedger {
  constructor(private readonly table: TableClient) {}

  async get(waveId: string, windowStart: string): Promise<ReleaseState | undefined> {
    try {
      const row = await this.table.getEntity<{ released: number; rate: number }>(
        encodeKey(waveId),
        `w${windowStart}`,
      );
      return {
        waveId,
        windowStart,
        released: row.released,
        rate: row.rate,
        ...(row.etag ? { etag: row.etag } : {}),
      };
    } catch (error) {
      if (error instanceof Error && "statusCode" in error && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async put(state: ReleaseState): Promise<string | undefined> {
    const entity = {
      partitionKey: encodeKey(state.waveId),
      rowKey: `w${state.windowStart}`,
      released: state.released,
      rate: state.rate,
    };
    const written = state.etag
      ? await this.table.updateEntity(entity, "Replace", { etag: state.etag })
      : await this.table.upsertEntity(entity, "Replace");
    await this.table.upsertEntity(
      { partitionKey: encodeKey(state.waveId), rowKey: "rate", rate: state.rate },
      "Replace",
    );
    return written.etag;
  }

  async lastRate(waveId: string): Promise<number | undefined> {
    try {
      const row = await this.table.getEntity<{ rate: number }>(encodeKey(waveId), "rate");
      return row.rate;
    } catch (error) {
      if (error instanceof Error && "statusCode" in error && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async recordSends(waveId: string, accountIds: readonly string[]): Promise<SendIntent> {
    const key = `${SEND_PREFIX}${new Date().toISOString()}-${randomUUID()}`;
    const json = JSON.stringify(accountIds);
    const entity: Record<string, string | number> = {
      partitionKey: encodeKey(waveId),
      rowKey: key,
      parts: Math.ceil(json.length / PART_CHARS),
    };
    for (let part = 0; part * PART_CHARS < json.length; part += 1)
      entity[`p${part}`] = json.slice(part * PART_CHARS, (part + 1) * PART_CHARS);
    await this.table.createEntity(entity as { partitionKey: string; rowKey: string });
    return { waveId, key, accountIds: [...accountIds] };
  }

  async clearSends(intent: SendIntent): Promise<void> {
    try {
      await this.table.deleteEntity(encodeKey(intent.waveId), intent.key);
    } catch (error) {
      if (!(error instanceof Error && "statusCode" in error && error.statusCode === 404)) throw error;
    }
  }

  async unsentIntents(waveId: string): Promise<SendIntent[]> {
    const partition = encodeKey(waveId);
    const rows = this.table.listEntities<IntentEntity>({
      queryOptions: {
        filter: odata`PartitionKey eq ${partition} and RowKey ge ${SEND_PREFIX} and RowKey lt ${"send."}`,
      },
    });
    const intents: SendIntent[] = [];
    for await (const row of rows) {
      let json = "";
      for (let part = 0; part < row.parts; part += 1) json += row[`p${part}`] ?? "";
      intents.push({ waveId, key: row.rowKey ?? "", accountIds: JSON.parse(json) as string[] });
    }
    return intents;
  }
}
