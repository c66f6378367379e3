/**
 * A transfer slice records time only through the clock it is given: a bad item's stamp and a
 * resync's mark come from the request's `now`, not from the wall clock, so an accelerated or
 * fixed clock sees the same times as the rest of the app.
 */
import { describe, expect, it } from "vitest";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { recordBadItem, skipIfLarge } from "../../../shared/transfer/bad-items.js";
import type { FolderSide } from "../../../shared/transfer/folders.js";
import { restartStream } from "../../../shared/transfer/page.js";
import type { PageTally, SliceRequest } from "../../../shared/transfer/slice.js";
import { emptyProgress } from "../../../shared/transfer/slice.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import type { FolderCheckpoint } from "../../../shared/transfer/state/port.js";

/** A moment far from any wall-clock time this test could run at. */
const INJECTED = new Date(Date.UTC(2019, 2, 31, 1, 30));

/** A side no call reaches: recording a bad item without details asks the mailbox nothing. */
function unusedSide(mailboxId: string): FolderSide {
  const api = new Proxy({} as FolderSide["api"], {
    get: (_target, name) => {
      throw new Error(`the mailbox was asked for ${String(name)}`);
    },
  });
  return { api, mailboxId, governor: new MailboxGovernor(PUBLISHED_LIMITS) };
}

function slice(state: InMemoryTransferState): SliceRequest {
  return {
    source: unusedSide("source"),
    target: unusedSide("target"),
    key: "user@contoso.example",
    state,
    deadline: Date.now() + 60_000,
    now: () => INJECTED,
    round: 0,
    largeItemBytes: 1_000,
    logger: silentLogger,
  };
}

const inbox: FolderCheckpoint = {
  sourceFolderId: "source-inbox",
  targetFolderId: "target-inbox",
  path: "Inbox",
  cursor: "delta-link",
  passComplete: true,
};

function tally(): PageTally {
  return { progress: emptyProgress(), badItemsOnPage: 0 };
}

describe("the clock of a transfer slice", () => {
  it("stamps an item the target refused with the injected time", async () => {
    const state = new InMemoryTransferState();
    const counted = tally();
    await recordBadItem(slice(state), inbox, { id: "item-1", size: 10 }, "ErrorCorruptData", counted);
    const [bad] = await state.listBadItems("user@contoso.example");
    expect(bad).toMatchObject({ sourceItemId: "item-1", kind: "failed", at: INJECTED.toISOString() });
    expect(counted.progress.badItems).toBe(1);
    expect(counted.badItemsOnPage).toBe(1);
  });

  it("stamps an item skipped as too large with the injected time", async () => {
    const state = new InMemoryTransferState();
    const counted = tally();
    expect(await skipIfLarge(slice(state), inbox, { id: "item-2", size: 5_000 }, counted)).toBe(true);
    const [bad] = await state.listBadItems("user@contoso.example");
    expect(bad).toMatchObject({ sourceItemId: "item-2", kind: "large", at: INJECTED.toISOString() });
    expect(counted.progress.largeItemsSkipped).toBe(1);
  });

  it("marks a resync with the injected time", async () => {
    const state = new InMemoryTransferState();
    const restarted = await restartStream(slice(state), inbox, "all");
    expect(restarted.resyncMark).toBe(INJECTED.getTime());
    expect(restarted.cursor).toBeUndefined();
  });
});
