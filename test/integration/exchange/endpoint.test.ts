/**
 * `mailferry endpoint create` through its use case: the on-premises credential reaches
 * New-MigrationEndpoint and nothing else (no log line, no operator-action record), and the
 * endpoint then works for what hybrid waves ask of it.
 */
import { describe, expect, it } from "vitest";
import { InMemoryOperatorActionLog } from "../../../shared/admin/actions/memory.js";
import { createEndpoint } from "../../../shared/admin/hybrid.js";
import type { AdminPorts } from "../../../shared/admin/ports.js";
import { createLogger } from "../../../shared/telemetry/logger.js";
import { startHarness } from "./helpers.js";

describe("creating the migration endpoint", () => {
  it("passes the credential to Exchange once and records everything but it", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", sink: (line) => lines.push(line) });
    // The adapter logs to the same place: every request it makes is a debug line.
    const { simulator, exchange } = await startHarness({ organisation: { mailboxes: 1 } }, { logger });
    try {
      const actions = new InMemoryOperatorActionLog();
      const ports = {
        exchange,
        operatorActions: actions,
        logger,
        now: () => new Date(),
      } as unknown as AdminPorts;
      const { password, userName, remoteServer } = simulator.administrator;
      const created = await createEndpoint(
        ports,
        { name: "OnPremEndpoint", remoteServer, userName, password, maxConcurrentMigrations: 120 },
        { actor: "ops", via: "cli" },
      );
      expect(created.endpoint.maxConcurrentMigrations).toBe(120);
      expect((await exchange.testEndpoint("OnPremEndpoint")).ok).toBe(true);
      const [record] = await actions.list(5);
      expect(record).toMatchObject({
        action: "endpoint.create",
        outcome: "completed",
        target: "endpoint OnPremEndpoint",
      });
      expect(JSON.stringify(record)).not.toContain(password);
      expect(lines.some((line) => line.includes("New-MigrationEndpoint"))).toBe(true);
      expect(lines.join("\n")).not.toContain(password);
    } finally {
      await simulator.close();
    }
  });
});
