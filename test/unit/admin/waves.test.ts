import { describe, expect, it, vi } from "vitest";
import { WaveClosedError } from "../../../shared/admin/errors.js";
import { changeWave } from "../../../shared/admin/waves.js";
import { cutoverDecision } from "../../../shared/domain/index.js";
import { at } from "../../factories/index.js";
import { accountAlong, addWave, memoryPorts } from "../../fixtures/admin/ports.js";

const operator = { actor: "cli:ops", via: "cli" } as const;
const NOW = at(45);

describe("wave complete", () => {
  it("without a time sets completeNow to now and takes back an earlier complete-after", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    const synced = await accountAlong(ports, 1, "w1", ["Queued", "Syncing", "Synced"]);
    await changeWave(ports, "w1", "complete", { at: "2025-03-09T07:00:00Z" }, operator);
    const { wave, actionId } = await changeWave(ports, "w1", "complete", { reason: "go" }, operator);
    expect(wave.completeNow).toBe(NOW.toISOString());
    expect(wave.completeAfter).toBeUndefined();
    expect((await ports.store.waves.get("w1")).completeNow).toBe(NOW.toISOString());
    // No window is open at NOW (a Monday noon in London), yet the synced account may go now.
    expect(cutoverDecision(synced, wave, undefined, NOW)).toEqual({ ready: true, forced: true });
    const action = (await ports.operatorActions.list(10)).find((entry) => entry.id === actionId);
    expect(action).toMatchObject({
      id: actionId,
      action: "wave.complete",
      target: "wave w1",
      via: "cli",
      filter: { reason: "go" },
      count: 1,
      outcome: "completed",
      detail: `complete now from ${NOW.toISOString()}`,
    });
  });

  it("with a time sets completeAfter and takes back an earlier complete now", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    const later = await changeWave(ports, "w1", "complete", { at: "2025-03-08T19:00:00+01:00" }, operator);
    expect(later.wave.completeAfter).toBe("2025-03-08T18:00:00.000Z");
    expect(later.wave.completeNow).toBeUndefined();
    await changeWave(ports, "w1", "complete", {}, operator);
    const again = await changeWave(ports, "w1", "complete", { at: "2025-03-09T07:00:00Z" }, operator);
    expect([again.wave.completeAfter, again.wave.completeNow]).toEqual([
      "2025-03-09T07:00:00.000Z",
      undefined,
    ]);
    expect(again.wave.status).toBe("Scheduled");
  });

  it("refuses a cancelled wave and records the refusal", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    await changeWave(ports, "w1", "cancel", {}, operator);
    await expect(changeWave(ports, "w1", "complete", {}, operator)).rejects.toBeInstanceOf(WaveClosedError);
    expect((await ports.store.waves.get("w1")).completeNow).toBeUndefined();
    // Both actions start at the same (fixed) instant, so pick the record by its kind.
    const actions = await ports.operatorActions.list(10);
    expect(actions.find((action) => action.action === "wave.complete")).toMatchObject({
      outcome: "failed",
      detail: expect.stringContaining("is Cancelled") as unknown,
    });
  });

  it("tries once more when the wave changed between its read and the write", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    const waves = ports.store.waves;
    const real = waves.update.bind(waves);
    let interfered = false;
    const spy = vi.spyOn(waves, "update").mockImplementation(async (id, etag, patch, now) => {
      if (!interfered) {
        interfered = true;
        const current = await waves.get(id);
        await real(id, current.etag, { description: "edited meanwhile" }, now);
      }
      return real(id, etag, patch, now);
    });
    const { wave } = await changeWave(ports, "w1", "complete", {}, operator);
    expect(spy).toHaveBeenCalledTimes(2);
    expect([wave.description, wave.completeNow]).toEqual(["edited meanwhile", NOW.toISOString()]);
  });
});
