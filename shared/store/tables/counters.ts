/**
 * Wave counters: per wave, COUNTER_SHARDS rows in every account partition. A write that changes
 * wave totals updates one shard (picked at random) in the same transaction as the account, guarded
 * by the shard's ETag, so totals are exact and a collision only costs a retry. Reading a wave's
 * totals sums its shards: a fixed number of rows whatever the wave's size.
 */
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { odata } from "@azure/data-tables";
import {
  addDelta,
  type CountsDelta,
  emptyCounts,
  sameCounts,
  sumCounts,
  type WaveCounts,
} from "../../domain/index.js";
import { mapLimit } from "../concurrency.js";
import { ContentionError } from "../errors.js";
import type { CounterRepair } from "../port.js";
import { retrying, statusOf } from "../retry.js";
import { isRowConflict, storageFailure, submitBatch } from "./batch.js";
import { counterEntity, countsFrom } from "./entities.js";
import { allPartitions, COUNTER_SHARDS, counterPrefix, prefixEnd } from "./keys.js";

/** A counter write prepared for a transaction. */
export interface CounterAction {
  readonly action: TransactionAction;
  readonly key: string;
  readonly counts: WaveCounts;
}

interface Shard {
  readonly shard: number;
  readonly etag: string;
  readonly counts: WaveCounts;
}

const READ_CONCURRENCY = 16;

export class CounterShards {
  /**
   * Last known state of the shards this process wrote. A write trusts it instead of reading the
   * shard first; a shard someone else wrote meanwhile refuses the write, is forgotten, and the
   * retry reads it.
   */
  private readonly cache = new Map<string, { etag: string; counts: WaveCounts }>();
  /** Shards with a write of this process under way: a second write would only collide. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly table: TableClient) {}

  private async readShard(partition: string, waveId: string, shard: number): Promise<Shard | undefined> {
    try {
      const row = await this.table.getEntity(partition, `${counterPrefix(waveId)}${shard}`);
      return { shard, etag: row.etag, counts: countsFrom(row) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storageFailure(`reading counter of wave ${waveId}`, error);
    }
  }

  /**
   * A shard for the next write: one this process knows and is not writing (no read needed),
   * else a random idle one. Processes drift apart onto different shards, since a collision
   * makes the loser forget the shard.
   */
  private pickShard(partition: string, waveId: string): number {
    const idle: number[] = [];
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      const key = `${partition}|${waveId}|${shard}`;
      if (this.inFlight.has(key)) continue;
      if (this.cache.has(key)) return shard;
      idle.push(shard);
    }
    const pool = idle.length > 0 ? idle : Array.from({ length: COUNTER_SHARDS }, (_, shard) => shard);
    return pool[Math.floor(Math.random() * pool.length)] ?? 0;
  }

  /** Counter writes adding `deltas` in `partition`; call committed or forget with the result. */
  async prepare(partition: string, deltas: readonly CountsDelta[]): Promise<CounterAction[]> {
    const keys: string[] = [];
    try {
      return await Promise.all(
        deltas.map(async (delta) => {
          const shard = this.pickShard(partition, delta.waveId);
          const key = `${partition}|${delta.waveId}|${shard}`;
          this.inFlight.add(key);
          keys.push(key);
          const current = this.cache.get(key) ?? (await this.readShard(partition, delta.waveId, shard));
          const counts = addDelta(current?.counts ?? emptyCounts(delta.waveId), delta);
          const entity = counterEntity(partition, shard, counts);
          const action: TransactionAction =
            current === undefined
              ? ["create", entity]
              : ["update", entity, "Replace", { etag: current.etag }];
          return { action, key, counts };
        }),
      );
    } catch (error) {
      for (const key of keys) this.inFlight.delete(key);
      throw error;
    }
  }

  /** Remembers the versions a successful transaction gave the shards. */
  committed(actions: readonly CounterAction[], etags: readonly (string | undefined)[]): void {
    actions.forEach((prepared, index) => {
      this.inFlight.delete(prepared.key);
      const etag = etags[index];
      if (etag === undefined) this.cache.delete(prepared.key);
      else this.cache.set(prepared.key, { etag, counts: prepared.counts });
    });
  }

  /** Forgets shard versions after a failed transaction, so the next attempt reads them. */
  forget(actions: readonly CounterAction[]): void {
    for (const prepared of actions) {
      this.inFlight.delete(prepared.key);
      this.cache.delete(prepared.key);
    }
  }

  private async shardsOf(partition: string, waveId: string): Promise<Shard[]> {
    const prefix = counterPrefix(waveId);
    const filter = odata`PartitionKey eq ${partition} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`;
    const shards: Shard[] = [];
    try {
      for await (const row of this.table.listEntities({
        queryOptions: { filter },
      })) {
        shards.push({
          shard: Number((row.rowKey ?? "").slice(prefix.length)),
          etag: row.etag,
          counts: countsFrom(row),
        });
      }
    } catch (error) {
      throw storageFailure(`reading counters of wave ${waveId}`, error);
    }
    return shards;
  }

  /** A wave's totals: the sum of its counter shards in every partition. */
  async waveCounts(waveId: string): Promise<WaveCounts> {
    const parts = await mapLimit(allPartitions(), READ_CONCURRENCY, (partition) =>
      this.shardsOf(partition, waveId),
    );
    return sumCounts(
      waveId,
      parts.flat().map((shard) => shard.counts),
    );
  }

  /**
   * Recounts one partition with `recount` and rewrites all its shards of the wave in one
   * transaction guarded by the ETags read before recounting; a concurrent write changes one of
   * those ETags (or creates a shard), fails the transaction, and the partition is recounted.
   */
  private async repairPartition(
    partition: string,
    waveId: string,
    recount: (partition: string) => Promise<WaveCounts>,
  ): Promise<{ before: WaveCounts; after: WaveCounts }> {
    return retrying(`counter repair of wave ${waveId} in ${partition}`, async () => {
      const shards = await this.shardsOf(partition, waveId);
      const after = await recount(partition);
      const before = sumCounts(
        waveId,
        shards.map((shard) => shard.counts),
      );
      if (shards.length === 0 && after.accounts === 0 && sameCounts(before, after)) return { before, after };
      const actions: TransactionAction[] = [];
      for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
        const entity = counterEntity(partition, shard, shard === 0 ? after : emptyCounts(waveId));
        const existing = shards.find((candidate) => candidate.shard === shard);
        actions.push(
          existing === undefined
            ? ["create", entity]
            : ["update", entity, "Replace", { etag: existing.etag }],
        );
      }
      try {
        await submitBatch(this.table, actions);
      } catch (error) {
        if (isRowConflict(error))
          throw new ContentionError(`counters of wave ${waveId} changed during repair`);
        throw storageFailure(`repairing counters of wave ${waveId}`, error);
      }
      for (let shard = 0; shard < COUNTER_SHARDS; shard++)
        this.cache.delete(`${partition}|${waveId}|${shard}`);
      return { before, after };
    });
  }

  /** Recounts every partition of the wave and rewrites its counters to match. */
  async repair(waveId: string, recount: (partition: string) => Promise<WaveCounts>): Promise<CounterRepair> {
    const parts = await mapLimit(allPartitions(), 8, (partition) =>
      this.repairPartition(partition, waveId, recount),
    );
    const before = sumCounts(
      waveId,
      parts.map((part) => part.before),
    );
    const after = sumCounts(
      waveId,
      parts.map((part) => part.after),
    );
    return { before, after, drifted: !sameCounts(before, after) };
  }
}
