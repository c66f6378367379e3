import type { TableClient } from "@azure/data-tables";
import { encodeKey } from "../tables/client.js";
import type { ReleaseLedger, ReleaseState } from "./ledger.js";

/*
 * One partition per wave: a row per window occurrence (`w<start>`) and a `rate` row. Only the
 * scheduler writes here, and the Functions host runs a timer on one instance at a time.
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
}
