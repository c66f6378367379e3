/**
 * The whole pipeline against a simulator that behaves like a real tenant (every realism switch
 * on, as `npm start -- --realistic` runs it) and records every call: every mailbox verifies
 * against its source, every planted failure fails with its class, and the product made no call
 * outside Microsoft's description of Graph. A call outside it is caught.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertAllDescribed, REALISTIC } from "@mailferry/azure-local/graph";
import type { EmbeddedStack } from "../../local/stack.js";
import { readGraphSettings } from "../../shared/config/graph.js";
import { createGraphClient } from "../../shared/graph/client.js";
import { migrateAll, problems, startSmallStack } from "./support.js";

describe("a migration against a realistic tenant, recorded", () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startSmallStack({
      mailboxes: 16,
      itemsPerMailbox: 8,
      seed: 7,
      archiveAllTargets: true,
      realism: REALISTIC,
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it("verifies every mailbox and makes no call outside the description", async () => {
    const graph = stack.graph;
    if (!graph) throw new Error("no simulator");
    const expectations = new Set(graph.inventory().map((entry) => entry.expectation));
    for (const planted of ["targetFull", "outsideScope", "slowMailbox", "archive"] as const) {
      expect([planted, expectations.has(planted)]).toEqual([planted, true]);
    }
    const verification = await migrateAll(stack, "realistic", 240_000);
    expect(problems(verification)).toEqual([]);
    const calls = graph.calls();
    expect(calls.refused).toEqual([]);
    expect(() => assertAllDescribed(calls)).not.toThrow();
    // What a realistic tenant made the product do.
    for (const met of [
      "redirect 308",
      "redirect exportItems",
      "redirect import",
      "beta mailbox.exportItems",
    ]) {
      expect([met, (calls.described[met] ?? 0) > 0]).toEqual([met, true]);
    }
  });

  it("catches a call outside the description", async () => {
    const graph = stack.graph;
    if (!graph) throw new Error("no simulator");
    const client = createGraphClient(readGraphSettings(stack.settings).target);
    const mailboxId = graph.inventory()[0]?.targetUpn ?? "";
    // A move action, as the product once called it: Graph has none.
    const refused = await client
      .api(`/admin/exchange/mailboxes/${encodeURIComponent(mailboxId)}/folders/inbox/move`)
      .post({ destinationId: "archive" })
      .then(
        () => 200,
        (error: unknown) => (error as { statusCode?: number }).statusCode,
      );
    expect(refused).toBe(400);
    expect(() => assertAllDescribed(graph.calls())).toThrow(
      /folders\/inbox\/move -> 400: Resource not found for the segment 'move'/,
    );
  });
});
