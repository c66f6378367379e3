/**
 * runMove on in-memory ports: the Graph port's fake for both tenants, the memory store, queue and
 * transfer state. A full copy, a copy resumed slice after slice, a claim lost to another delivery
 * mid-slice, a lost import answer, a throttled source, and failures classified as permanent.
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import { InMemoryMoveQueue } from "../../../shared/bus/memory.js";
import { nextMoveMessage, type MoveMessage } from "../../../shared/bus/messages.js";
import { readPipelineSettings, type PipelineSettings } from "../../../shared/config/pipeline.js";
import { accountIdFromUpn, type Account } from "../../../shared/domain/index.js";
import { GovernorRegistry, type MailboxGovernor } from "../../../shared/graph/governor.js";
import { InMemoryMailboxGraph } from "../../../shared/graph/memory.js";
import type { ExportedItem } from "../../../shared/graph/port.js";
import { FolderMemory } from "../../../shared/mover/folder-memory.js";
import { runMove, type MoveResult } from "../../../shared/mover/mover.js";
import type { Services } from "../../../shared/runtime/services.js";
import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { createMemoryStore, type MemoryStore } from "../../../shared/store/memory/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import { T0, importedAccount, waveRecord } from "../../factories/index.js";

/** A source tenant whose exports run a test's hook first (time passing, another delivery acting). */
class HookedSource extends InMemoryMailboxGraph {
  beforeExport: (() => Promise<void>) | undefined;

  override async exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]> {
    await this.beforeExport?.();
    return super.exportItems(mailboxId, itemIds, governor);
  }
}

interface Harness {
  readonly services: Services;
  readonly store: MemoryStore;
  readonly moves: InMemoryMoveQueue;
  readonly source: HookedSource;
  readonly target: InMemoryMailboxGraph;
  readonly folderMemory: FolderMemory;
  readonly sourceMailbox: string;
  readonly targetMailbox: string;
  /** Subjects of the items seeded in the source, per well-known folder. */
  readonly seeded: ReadonlyMap<string, readonly string[]>;
}

const SEED: Readonly<Record<string, number>> = { inbox: 7, sentitems: 4, archive: 3 };

async function harness(
  options: { readonly pipeline?: Partial<PipelineSettings>; readonly targetUser?: boolean } = {},
): Promise<Harness> {
  const row = importedAccount(1);
  const source = new HookedSource();
  const target = new InMemoryMailboxGraph();
  const { primaryMailboxId: sourceMailbox = "" } = source.addUser(row.source.upn);
  const { primaryMailboxId: targetMailbox = "" } =
    options.targetUser === false ? {} : target.addUser(row.target.upn);
  const seeded = new Map<string, string[]>();
  let n = 0;
  for (const [folder, count] of Object.entries(SEED)) {
    const folderId = source.folderId(sourceMailbox, folder);
    const subjects: string[] = [];
    for (let index = 0; index < count; index += 1) {
      n += 1;
      const subject = `${folder} ${index}`;
      source.addItem(sourceMailbox, folderId, {
        subject,
        size: 2_000 + n,
        createdDateTime: new Date(Date.UTC(2024, 0, n)).toISOString(),
      });
      subjects.push(subject);
    }
    seeded.set(folder, subjects);
  }
  const store = createMemoryStore();
  const moves = new InMemoryMoveQueue();
  const folderMemory = new FolderMemory();
  const services = {
    store,
    moves,
    releases: new InMemoryReleaseLedger(),
    activity: new InMemoryActivityLog(),
    transferState: new InMemoryTransferState(),
    folderMemory,
    logger: silentLogger,
    pipeline: { ...readPipelineSettings({}), ...options.pipeline },
    source: { api: source, governors: new GovernorRegistry() },
    target: { api: target, governors: new GovernorRegistry() },
    now: () => T0,
  } as unknown as Services;
  await store.waves.create(waveRecord({ timeZone: "UTC" }, T0));
  await store.waves.updateStatus("w1", "Active", T0);
  await store.accounts.upsertImported([row], T0);
  return { services, store, moves, source, target, folderMemory, sourceMailbox, targetMailbox, seeded };
}

/** Releases the account as the scheduler does; returns the message it sends. */
async function release(h: Harness): Promise<{ account: Account; message: MoveMessage }> {
  const id = accountIdFromUpn(importedAccount(1).source.upn);
  const pending = await h.store.accounts.get(id);
  const account = await h.store.accounts.transition(id, pending.etag, "Queued", {
    reason: "released",
    actor: "scheduler",
    at: T0,
  });
  return { account, message: nextMoveMessage(account) };
}

let deliveries = 0;
const delivery = () => {
  deliveries += 1;
  return { invocationId: `invocation-${deliveries}`, deliveryCount: 1 };
};

/** The subjects in the target folder that has this well-known name. */
function subjectsIn(h: Harness, folder: string): string[] {
  return h.target
    .itemsIn(h.targetMailbox, h.target.folderId(h.targetMailbox, folder))
    .map((item) => item.subject)
    .sort();
}

function expectEverythingCopiedOnce(h: Harness): void {
  for (const [folder, subjects] of h.seeded) expect(subjectsIn(h, folder)).toEqual([...subjects].sort());
}

const seededCount = Object.values(SEED).reduce((sum, count) => sum + count, 0);

describe("runMove on the in-memory Graph port", () => {
  it("copies a whole mailbox in one slice and leaves the account Synced", async () => {
    const h = await harness();
    const { account, message } = await release(h);

    expect(await runMove(h.services, message, delivery())).toBe("synced");

    expectEverythingCopiedOnce(h);
    const after = await h.store.accounts.get(account.id);
    expect(after.status).toBe("Synced");
    expect(after.progress.items).toBe(seededCount);
    expect(after.lease).toBeUndefined();
    // Synced waits for the scheduler: no message for the account is left on the queue.
    expect(h.moves.sent).toEqual([]);
    expect(h.moves.scheduled).toEqual([]);
  });

  it("resumes a copy cut short by the slice's end, slice after slice, copying each item once", async () => {
    const h = await harness({ pipeline: { pageSize: 2 } });
    const { account, message } = await release(h);
    // Each export takes longer than a slice: a slice copies the chunk it exported, then hands on.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    h.source.beforeExport = () => {
      vi.setSystemTime(Date.now() + h.services.pipeline.sliceMs + 1);
      return Promise.resolve();
    };

    const first = await runMove(h.services, message, delivery());
    expect(first).toBe("continued");
    const continued = h.moves.sent.at(-1);
    expect(continued).toMatchObject({ accountId: account.id, slice: message.slice + 1 });
    const partway = await h.store.accounts.get(account.id);
    expect(partway.status).toBe("Syncing");
    expect(partway.progress.items).toBeGreaterThan(0);
    expect(partway.progress.items).toBeLessThan(seededCount);
    expect(partway.lease).toBeUndefined();
    // The injected folder memory keeps what the slice left for the account's next slice here.
    expect(h.folderMemory.size).toBeGreaterThan(0);

    let result: MoveResult = first;
    let slices = 1;
    while (result === "continued") {
      const next = h.moves.sent.at(-1);
      if (!next) throw new Error("a continued slice sent no message");
      result = await runMove(h.services, next, delivery());
      slices += 1;
      expect(slices).toBeLessThanOrEqual(seededCount * 4);
    }

    expect(result).toBe("synced");
    expect(slices).toBeGreaterThan(2);
    expectEverythingCopiedOnce(h);
    expect((await h.store.accounts.get(account.id)).progress.items).toBe(seededCount);
  });

  it("finds the copy an import made when its answer was lost, instead of importing it again", async () => {
    const h = await harness();
    const { message } = await release(h);
    h.target.failNext("importItem", { kind: "lost answer" }, { times: 2 });

    expect(await runMove(h.services, message, delivery())).toBe("synced");

    expectEverythingCopiedOnce(h);
  });

  it("stops without writing when another delivery took the claim mid-slice", async () => {
    const h = await harness();
    const { account, message } = await release(h);
    const thief = "slice another-message";
    // While this slice copies, the claim lapses and another delivery takes the account over.
    h.source.beforeExport = async () => {
      h.source.beforeExport = undefined;
      const later = new Date(T0.getTime() + 2 * h.services.pipeline.leaseMs);
      await h.store.accounts.claim(account.id, thief, h.services.pipeline.leaseMs, later);
    };

    await expect(runMove(h.services, message, delivery())).rejects.toMatchObject({
      name: "ConcurrencyConflictError",
    });

    const after = await h.store.accounts.get(account.id);
    expect(after.lease?.owner).toBe(thief);
    expect(after.status).toBe("Syncing");
    expect(after.progress.items).toBe(0);
    expect(h.moves.sent).toEqual([]);
    expect(h.moves.scheduled).toEqual([]);
  });

  it("comes back at the source's Retry-After when the source throttles the copy", async () => {
    const h = await harness();
    const { account, message } = await release(h);
    const retryAfterMs = 10 * 60_000;
    h.source.failNext("itemDelta", { kind: "throttled", retryAfterMs }, { times: Infinity });
    const before = Date.now();

    expect(await runMove(h.services, message, delivery())).toBe("scheduled");

    const [scheduled] = h.moves.scheduled;
    expect(scheduled?.message).toMatchObject({ accountId: account.id, slice: message.slice + 1 });
    expect(scheduled?.at.getTime()).toBeGreaterThanOrEqual(before + retryAfterMs);
    const after = await h.store.accounts.get(account.id);
    expect(after.status).toBe("Syncing");
    expect(after.lease).toBeUndefined();
    expect(h.moves.sent).toEqual([]);
  });

  it("comes back at Retry-After, as the same slice, when the pre-flight is throttled", async () => {
    const h = await harness();
    const { account, message } = await release(h);
    const retryAfterMs = 10 * 60_000;
    h.source.failNext("findUser", { kind: "throttled", retryAfterMs }, { times: Infinity });
    const before = Date.now();

    expect(await runMove(h.services, message, delivery())).toBe("scheduled");

    const [scheduled] = h.moves.scheduled;
    expect(scheduled?.message).toMatchObject({ accountId: account.id, slice: message.slice });
    expect(scheduled?.at.getTime()).toBeGreaterThanOrEqual(before + retryAfterMs);
    const after = await h.store.accounts.get(account.id);
    expect(after.status).toBe("Queued");
    expect(after.lease).toBeUndefined();
  });

  it("fails the account with the class of a permanent refusal and sends nothing more", async () => {
    const h = await harness();
    const { account, message } = await release(h);
    h.target.failNext("importItem", {
      kind: "permanent",
      failureClass: "TargetMailboxFull",
      code: "ErrorQuotaExceeded",
    });

    expect(await runMove(h.services, message, delivery())).toBe("failed");

    const after = await h.store.accounts.get(account.id);
    expect(after.status).toBe("Failed");
    expect(after.lastError).toMatchObject({ class: "TargetMailboxFull", code: "ErrorQuotaExceeded" });
    expect(h.moves.sent).toEqual([]);
    expect(h.moves.scheduled).toEqual([]);
  });

  it("fails an account whose target user does not exist before copying anything", async () => {
    const h = await harness({ targetUser: false });
    const { account, message } = await release(h);

    expect(await runMove(h.services, message, delivery())).toBe("failed");

    const after = await h.store.accounts.get(account.id);
    expect(after.status).toBe("Failed");
    expect(after.lastError?.class).toBe("TargetUserNotFound");
    expect(h.source.calls).not.toContain("exportItems");
  });
});
