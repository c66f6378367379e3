import { odata, type TableClient } from "@azure/data-tables";
import {
  applyWavePatch,
  applyWaveStatus,
  parseWaveId,
  type Wave,
  type WavePatch,
  type WaveRecord,
  type WaveStatus,
} from "../../domain/index.js";
import { AlreadyExistsError, ConcurrencyConflictError, ContentionError, NotFoundError } from "../errors.js";
import type { WaveRepository } from "../port.js";
import { retrying, statusOf } from "../retry.js";
import { storageFailure } from "./batch.js";
import { waveEntity, waveFrom } from "./entities.js";
import { WAVES_PARTITION } from "./keys.js";

type Row = Record<string, unknown>;

export class TablesWaves implements WaveRepository {
  constructor(private readonly table: TableClient) {}

  async create(wave: WaveRecord): Promise<Wave> {
    parseWaveId(wave.id);
    try {
      const response = await this.table.createEntity(waveEntity(wave));
      return { ...wave, etag: response.etag ?? "" };
    } catch (error) {
      if (statusOf(error) === 409) throw new AlreadyExistsError("wave", wave.id, { cause: error });
      throw storageFailure(`creating wave ${wave.id}`, error);
    }
  }

  async find(waveId: string): Promise<Wave | undefined> {
    const id = parseWaveId(waveId);
    try {
      return waveFrom(await this.table.getEntity<Row>(WAVES_PARTITION, id));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storageFailure(`reading wave ${id}`, error);
    }
  }

  async get(waveId: string): Promise<Wave> {
    const wave = await this.find(waveId);
    if (wave === undefined) throw new NotFoundError("wave", waveId);
    return wave;
  }

  async list(): Promise<Wave[]> {
    const waves: Wave[] = [];
    try {
      const filter = odata`PartitionKey eq ${WAVES_PARTITION}`;
      for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } }))
        waves.push(waveFrom(row));
    } catch (error) {
      throw storageFailure("listing waves", error);
    }
    return waves.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async replace(current: Wave, next: WaveRecord, callerEtag: boolean): Promise<Wave> {
    try {
      const response = await this.table.updateEntity(waveEntity(next), "Replace", { etag: current.etag });
      return { ...next, etag: response.etag ?? "" };
    } catch (error) {
      if (statusOf(error) === 412) {
        // The caller's own version is stale: theirs to resolve. Ours is: read again and retry.
        if (callerEtag) throw new ConcurrencyConflictError("wave", current.id, { cause: error });
        throw new ContentionError(`wave ${current.id} changed`, { cause: error });
      }
      throw storageFailure(`writing wave ${current.id}`, error);
    }
  }

  async updateStatus(waveId: string, to: WaveStatus, now: Date, expectedEtag?: string): Promise<Wave> {
    return retrying(`status change of wave ${waveId}`, async () => {
      const current = await this.get(waveId);
      if (expectedEtag !== undefined && current.etag !== expectedEtag) {
        throw new ConcurrencyConflictError("wave", current.id);
      }
      return this.replace(current, applyWaveStatus(current, to, now), expectedEtag !== undefined);
    });
  }

  async update(waveId: string, expectedEtag: string, patch: WavePatch, now: Date): Promise<Wave> {
    const current = await this.get(waveId);
    if (current.etag !== expectedEtag) throw new ConcurrencyConflictError("wave", current.id);
    return this.replace(current, applyWavePatch(current, patch, now), true);
  }
}
