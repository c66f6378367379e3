import { describe, expect, it } from "vitest";
import { retryFailed } from "../../../shared/admin/retry.js";
import { readPipelineSettings } from "../../../shared/config/pipeline.js";
import { WEEKDAYS, type WaveSettings } from "../../../shared/domain/index.js";
import { runScheduler } from "../../../shared/scheduler/scheduler.js";
import { accountAlong, failedAccount, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";
import { T0, waveRecord } from "../../factories/index.js";

const operator = { actor: "ops@contoso.com", via: "http" } as const;
const noLicence = { class: "TargetNotLicensed", code: "NoLicense", message: "no licence" };
const DONE = ["Queued", "Syncing", "Synced", "Completing", "Completed"] as const;

async function activeWave(ports: MemoryPorts, settings: Partial<WaveSettings> = {}): Promise<void> {
  await ports.store.waves.create(
    waveRecord({
      id: "w1",
      timeZone: "UTC",
      windows: [{ days: [...WEEKDAYS], start: "19:00", end: "07:00", capacity: 10 }],
      ...settings,
    }),
  );
  await ports.store.waves.updateStatus("w1", "Active", T0);
}

async function schedule(ports: MemoryPorts): Promise<string> {
  await runScheduler({ ...ports, pipeline: readPipelineSettings({}) }, "scheduler");
  return (await ports.store.waves.get("w1")).status;
}

describe("a wave whose accounts have all settled", () => {
  it("is Completed by the next scheduler run, failures included", async () => {
    const ports = memoryPorts(T0);
    await activeWave(ports);
    await accountAlong(ports, 1, "w1", DONE);
    await accountAlong(ports, 2, "w1", ["Queued", "Syncing", "Synced"]);
    await failedAccount(ports, 3, "w1", noLicence);
    expect(await schedule(ports)).toBe("Active");

    const synced = await ports.store.accounts.get("user2@source.contoso.com");
    let account = synced;
    for (const to of ["Completing", "CompletedWithWarnings"] as const) {
      account = await ports.store.accounts.transition(account.id, account.etag, to, {
        reason: "for the test",
        actor: "test",
        at: T0,
      });
    }
    expect(await schedule(ports)).toBe("Completed");
  });

  it("is Completed for the hybrid engine too", async () => {
    const ports = memoryPorts(T0);
    await activeWave(ports, {
      engine: "hybrid",
      hybrid: {
        endpoint: "onprem",
        targetDeliveryDomain: "fabrikam.mail.onmicrosoft.com",
        maxConcurrentMigrations: 4,
      } as WaveSettings["hybrid"],
    });
    await accountAlong(ports, 1, "w1", DONE);
    await failedAccount(ports, 2, "w1", noLicence);
    expect(await schedule(ports)).toBe("Completed");
  });

  it("opens again when an operator retries its failed accounts, and completes once they settle", async () => {
    const ports = memoryPorts(T0);
    await activeWave(ports);
    await accountAlong(ports, 1, "w1", DONE);
    await failedAccount(ports, 2, "w1", noLicence);
    expect(await schedule(ports)).toBe("Completed");

    const retry = await retryFailed(ports, { waveId: "w1" }, operator);
    expect(retry.retried).toHaveLength(1);
    expect((await ports.store.waves.get("w1")).status).toBe("Active");
    expect(await schedule(ports)).toBe("Active");
  });

  it("leaves a wave without accounts alone", async () => {
    const ports = memoryPorts(T0);
    await activeWave(ports);
    expect(await schedule(ports)).toBe("Active");
  });
});
