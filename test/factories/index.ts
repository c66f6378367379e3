/**
 * Builders for test data: accounts, waves, transition requests and CSV inventories. Defaults are
 * valid; tests override only what they are about.
 */
import {
  defineWave,
  type ImportedAccount,
  type WaveRecord,
  type WaveSettings,
} from "../../shared/domain/index.js";
import type { TransitionRequest } from "../../shared/store/index.js";

/** A fixed instant tests count from (a Monday, noon UTC). */
export const T0 = new Date("2025-03-03T12:00:00.000Z");

/** T0 plus `minutes`. */
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

/** The n-th test user's UPN. */
export function upn(n: number, domain = "contoso.com"): string {
  return `user${n}@${domain}`;
}

/** An inventory row for the n-th test user. */
export function importedAccount(n: number, overrides: Partial<ImportedAccount> = {}): ImportedAccount {
  return {
    waveId: "w1",
    source: { upn: upn(n, "source.contoso.com") },
    target: { upn: upn(n, "contoso.onmicrosoft.com") },
    priority: 0,
    ...overrides,
  };
}

/** A valid wave definition (Europe/London, the default windows). */
export function waveRecord(overrides: Partial<WaveSettings> = {}, now: Date = T0): WaveRecord {
  return defineWave({ id: "w1", timeZone: "Europe/London", ...overrides }, now);
}

/** A transition request by a test worker. */
export function request(overrides: Partial<TransitionRequest> = {}): TransitionRequest {
  return { reason: "test", actor: "test-invocation", at: T0, ...overrides };
}

export const INVENTORY_HEADER = "sourceUpn,targetUpn,wave,priority";

/** CSV lines (header first) of `count` valid, distinct accounts in `waveId`; generated lazily. */
export function* inventoryLines(count: number, waveId = "w1", start = 0): Generator<string> {
  yield INVENTORY_HEADER;
  for (let n = start; n < start + count; n++) {
    yield `${upn(n, "source.contoso.com")},${upn(n, "contoso.onmicrosoft.com")},${waveId},${n % 10}`;
  }
}
