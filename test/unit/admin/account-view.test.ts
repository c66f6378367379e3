import { describe, expect, it } from "vitest";
import { accountView } from "../../../shared/admin/account.js";
import { accountAlong, memoryPorts } from "../../fixtures/admin/ports.js";
import { T0, waveRecord } from "../../factories/index.js";

describe("account view", () => {
  it("shows what pre-flight found and which finalize actions ran, never the raw checkpoint", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(waveRecord({ id: "w1" }));
    const account = await accountAlong(ports, 1, "w1", ["Queued", "Syncing"]);
    expect(accountView(account).preflight).toBeUndefined();
    const checkpointed = await ports.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: JSON.stringify({
        v: 1,
        sourceUserId: "s",
        targetUserId: "t",
        sourceMailboxId: "sm",
        targetMailboxId: "tm",
        targetArchiveMailboxId: "ta",
        expectedItems: 1234,
        finalized: ["licence"],
        warnings: ["cutover notice not sent (ErrorSendAsDenied)"],
      }),
      at: T0,
    });
    const view = accountView(checkpointed);
    expect(view).not.toHaveProperty("checkpoint");
    expect(view.preflight).toEqual({
      expectedItems: 1234,
      sourceArchive: false,
      targetArchive: true,
      finalized: ["licence"],
      warnings: ["cutover notice not sent (ErrorSendAsDenied)"],
    });
  });
});
