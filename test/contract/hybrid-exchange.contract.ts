/**
 * The behaviour every HybridExchange must have. Run against the in-memory fake (unit) and the
 * admin REST adapter on the Exchange simulator (integration), so the fake can stand in for it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExchangeConflictError, ExchangeNotFoundError } from "../../shared/exchange/errors.js";
import type { BatchRequest, HybridExchange, MoveFacts } from "../../shared/exchange/port.js";

/** An Exchange with a migration endpoint and three synchronised mail users, and one missing. */
export interface ExchangeUnderTest {
  readonly exchange: HybridExchange;
  readonly endpoint: string;
  readonly targetDeliveryDomain: string;
  /** Mail users whose GUIDs match their on-premises mailboxes. */
  readonly users: readonly [string, string, string];
  readonly usersGuid: (email: string) => string;
  /** An address with no mail user in Exchange Online. */
  readonly missing: string;
  dispose(): Promise<void>;
}

async function all(pages: AsyncIterable<readonly MoveFacts[]>): Promise<MoveFacts[]> {
  const out: MoveFacts[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

export function hybridExchangeContract(name: string, setup: () => Promise<ExchangeUnderTest>): void {
  describe(`HybridExchange contract: ${name}`, () => {
    let env: ExchangeUnderTest;
    const request = (batch: string, emails: readonly string[]): BatchRequest => ({
      name: batch,
      endpoint: env.endpoint,
      targetDeliveryDomain: env.targetDeliveryDomain,
      primaryOnly: false,
      completeAfter: new Date(Date.now() + 30 * 86_400_000),
      users: emails.map((email) => ({ email })),
    });

    beforeEach(async () => {
      env = await setup();
    });

    afterEach(async () => {
      await env.dispose();
    });

    it("finds a synchronised mail user with its GUIDs and no mailbox, and nothing for a missing one", async () => {
      const [user] = env.users;
      const found = await env.exchange.findMailUser(user);
      expect(found?.exchangeGuid).toBe(env.usersGuid(user));
      expect(found?.userPrincipalName).toBe(user);
      expect(await env.exchange.findMailUser(env.missing)).toBeUndefined();
      expect(await env.exchange.findMailbox(user)).toBeUndefined();
    });

    it("knows its endpoint and reaches it; an unknown endpoint is not found", async () => {
      const endpoint = await env.exchange.findEndpoint(env.endpoint);
      expect(endpoint?.maxConcurrentMigrations).toBeGreaterThan(0);
      expect(await env.exchange.findEndpoint("no-such-endpoint")).toBeUndefined();
      expect((await env.exchange.testEndpoint(env.endpoint)).ok).toBe(true);
    });

    it("creates a batch, adds to it, and adds a user only once however often asked", async () => {
      const [first, second] = env.users;
      expect(await env.exchange.findMigrationUser(first)).toBeUndefined();
      expect(await env.exchange.addToBatch(request("contract-a", [first]))).toBe("created");
      expect(await env.exchange.addToBatch(request("contract-a", [second]))).toBe("added");
      expect(await env.exchange.addToBatch(request("contract-a", [first]))).toBe("added");
      const moves = await all(env.exchange.listMoves("contract-a"));
      expect(moves.map((move) => move.exchangeGuid).sort()).toEqual(
        [env.usersGuid(first), env.usersGuid(second)].sort(),
      );
      expect(moves.every((move) => move.batch === "contract-a")).toBe(true);
      expect((await env.exchange.findMigrationUser(first))?.batchId).toBe("contract-a");
      const batches = await env.exchange.listBatches();
      expect(batches.find((batch) => batch.identity === "contract-a")?.totalCount).toBe(2);
    });

    it("refuses a user that is in another batch", async () => {
      const [first] = env.users;
      await env.exchange.addToBatch(request("contract-b", [first]));
      await expect(env.exchange.addToBatch(request("contract-c", [first]))).rejects.toBeInstanceOf(
        ExchangeConflictError,
      );
      expect((await env.exchange.findMigrationUser(first))?.batchId).toBe("contract-b");
    });

    it("reads a move's statistics; changes a user's CompleteAfter and removes it once", async () => {
      const [, , third] = env.users;
      await env.exchange.addToBatch(request("contract-d", [third]));
      const stats = await env.exchange.moveStatistics(third);
      expect(stats?.exchangeGuid).toBe(env.usersGuid(third));
      expect(stats?.batch).toBe("contract-d");
      const at = new Date(Date.now() + 2 * 86_400_000);
      await env.exchange.setUserCompleteAfter(third, at);
      expect(Date.parse((await env.exchange.moveStatistics(third))?.completeAfter ?? "")).toBe(at.getTime());
      expect(await env.exchange.removeUser(third)).toBe("removed");
      expect(await env.exchange.removeUser(third)).toBe("absent");
      expect(await env.exchange.moveStatistics(third)).toBeUndefined();
      expect(await all(env.exchange.listMoves("contract-d"))).toEqual([]);
    });

    it("reports a user it does not know as not found to the user verbs", async () => {
      await expect(env.exchange.setUserCompleteAfter(env.missing, new Date())).rejects.toBeInstanceOf(
        ExchangeNotFoundError,
      );
      await expect(env.exchange.approveSkippedItems(env.missing)).rejects.toBeInstanceOf(
        ExchangeNotFoundError,
      );
      await expect(env.exchange.startUser(env.missing)).rejects.toBeInstanceOf(ExchangeNotFoundError);
    });
  });
}
