/**
 * The cutover notice is sent once per user, even when the send's answer is lost (the mover retries
 * within the slice), or the worker dies right after Graph accepted the send or wrote the draft (the
 * message is redelivered and another invocation resumes the cutover).
 */
import { describe, expect, it } from "vitest";
import { createOpenWave, importInventory, waitForWave } from "../../local/demo/wave.js";
import { accountIdFromUpn } from "../../shared/domain/index.js";
import type { Services } from "../../shared/runtime/services.js";
import { services } from "../../functions/services.js";
import { TransientTransferError } from "../../shared/graph/errors.js";
import type { MailboxApi } from "../../shared/graph/mailbox-api.js";
import { startSmallStack } from "./support.js";

const SUBJECT = "Your mailbox has moved";

describe("the cutover notice", () => {
  it("reaches each user once when a send's answer is lost or its worker dies", async () => {
    // Each fault strikes once, after Graph did what was asked.
    const sendFaults = ["lost answer", "died after sending"];
    const draftFaults = ["died after writing the draft"];
    const injected: string[] = [];
    const faulty = (built: Services): Services => {
      const real = built.target.api;
      const api = Object.create(real) as MailboxApi;
      api.createDraft = async (from, to, subject, body) => {
        const id = await real.createDraft(from, to, subject, body);
        const fault = draftFaults.shift();
        if (fault === undefined) return id;
        injected.push(fault);
        throw new Error("the worker died after writing the draft");
      };
      api.sendDraft = async (from, messageId) => {
        await real.sendDraft(from, messageId);
        const fault = sendFaults.shift();
        if (fault === undefined) return;
        injected.push(fault);
        if (fault === "lost answer") throw new TransientTransferError("the answer never came", 0);
        throw new Error("the worker died after the notice went out");
      };
      return { ...built, target: { ...built.target, api } };
    };
    const stack = await startSmallStack(
      { mailboxes: 6, itemsPerMailbox: 3, seed: 8 },
      { decorateServices: faulty },
    );
    try {
      const graph = stack.graph;
      if (!graph) throw new Error("no simulator");
      const { store } = await services();
      const inventory = graph.inventory().filter((entry) => entry.expectation === "ok");
      expect(inventory.length).toBeGreaterThanOrEqual(3);
      await createOpenWave(
        store,
        {
          waveId: "notice",
          capacity: inventory.length,
          settings: {
            finalize: {
              notify: { from: graph.target.serviceUpn, subject: SUBJECT, body: "Hello {displayName}." },
              announce: false,
            },
          },
        },
        new Date(),
      );
      await importInventory(store, "notice", inventory, new Date());
      await waitForWave(store, "notice", inventory.length, { timeoutMs: 120_000 });

      expect([...injected].sort()).toEqual(
        ["died after sending", "died after writing the draft", "lost answer"].sort(),
      );
      // The one resumed after its notice went finds its draft gone: taken as sent, and said so.
      const statuses: string[] = [];
      for (const entry of inventory)
        statuses.push((await store.accounts.get(accountIdFromUpn(entry.sourceUpn))).status);
      expect(statuses.filter((status) => status === "CompletedWithWarnings")).toHaveLength(1);
      expect(statuses.filter((status) => status === "Completed")).toHaveLength(inventory.length - 1);
      const notices = graph.sentMail().filter((mail) => mail.subject === SUBJECT);
      const perUser = new Map<string, number>();
      for (const mail of notices) for (const to of mail.to) perUser.set(to, (perUser.get(to) ?? 0) + 1);
      expect([...perUser.keys()].sort()).toEqual(inventory.map((entry) => entry.targetUpn).sort());
      expect([...perUser.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await stack.close();
    }
  }, 180_000);
});
