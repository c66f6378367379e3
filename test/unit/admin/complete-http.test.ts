/** The account complete route through the admin API's request handling, on in-memory ports. */
import { describe, expect, it } from "vitest";
import { accountCompleteOperation, waveOperation } from "../../../shared/admin/api/change.js";
import { serveAdmin, type AdminRequest, type AdminResponse } from "../../../shared/admin/api/http.js";
import { encodePrincipal, PRINCIPAL_HEADER, ROLES } from "../../../shared/admin/principal.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { at } from "../../factories/index.js";
import { accountAlong, addWave, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";

const OPERATOR = encodePrincipal("ops@contoso.com", [ROLES.operator]);
const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
const NOW = at(10);

function request(
  params: Record<string, string>,
  body: unknown,
  principal: string,
  authenticationEnabled = true,
): AdminRequest {
  return {
    method: "POST",
    query: {},
    params,
    header: (name) => (name === PRINCIPAL_HEADER ? principal : null),
    text: () => Promise.resolve(body === undefined ? "" : JSON.stringify(body)),
    authenticationEnabled,
  };
}

async function scene(): Promise<MemoryPorts> {
  const ports = memoryPorts(NOW);
  await addWave(ports, "w1");
  await accountAlong(ports, 1, "w1", ["Queued", "Syncing", "Synced"]);
  await accountAlong(ports, 2, "w1", ["Queued", "Syncing", "Synced", "Completing", "CompletedWithWarnings"]);
  return ports;
}

function complete(
  ports: MemoryPorts,
  accountId: string,
  body: unknown,
  principal = OPERATOR,
): Promise<AdminResponse> {
  return serveAdmin(
    accountCompleteOperation,
    request({ accountId }, body, principal),
    () => Promise.resolve(ports),
    silentLogger,
  );
}

interface Problem {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

describe("POST ops/accounts/{accountId}/complete", () => {
  it("sets completeNow without a body and completeAfter with `at`, by source UPN too", async () => {
    const ports = await scene();
    const now = await complete(ports, "User1@Source.Contoso.com", undefined);
    expect(now.status).toBe(200);
    expect(now.jsonBody).toMatchObject({
      mode: "now",
      account: { id: "user1@source.contoso.com", status: "Synced", completeNow: NOW.toISOString() },
    });
    const after = await complete(ports, "user1@source.contoso.com", {
      at: "2025-03-08T19:00:00-05:00",
      reason: "weekend",
    });
    expect(after.status).toBe(200);
    expect(after.jsonBody).toMatchObject({
      mode: "after",
      account: { completeAfter: "2025-03-09T00:00:00.000Z" },
    });
    expect(after.jsonBody).not.toHaveProperty("account.completeNow");
    const actions = await ports.operatorActions.list(10);
    expect(actions.map((action) => [action.action, action.actor, action.outcome])).toEqual([
      ["account.complete", "ops@contoso.com", "completed"],
      ["account.complete", "ops@contoso.com", "completed"],
    ]);
  });

  it("trusts no principal header while App Service authentication is off: 401, nothing changes", async () => {
    const ports = await scene();
    const forged = await serveAdmin(
      accountCompleteOperation,
      request({ accountId: "user1@source.contoso.com" }, {}, OPERATOR, false),
      () => Promise.resolve(ports),
      silentLogger,
    );
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.jsonBody)).toMatch(/authentication is off/);
    expect((await ports.store.accounts.get("user1@source.contoso.com")).completeNow).toBeUndefined();
    expect(await ports.operatorActions.list(10)).toEqual([]);
  });

  it("needs the operator role: a reader gets 403 and nothing changes", async () => {
    const ports = await scene();
    const answer = await complete(ports, "user1@source.contoso.com", {}, READER);
    expect(answer.status).toBe(403);
    expect(answer.jsonBody).toMatchObject({
      error: { code: "Forbidden", requiredRole: "Migration.Operator" },
    });
    expect((await ports.store.accounts.get("user1@source.contoso.com")).completeNow).toBeUndefined();
    expect(await ports.operatorActions.list(10)).toEqual([]);
  });

  it("answers 400 naming the field for a bad time or an unknown field, recording nothing", async () => {
    const ports = await scene();
    const bad = await complete(ports, "user1@source.contoso.com", { at: "tomorrow", force: true });
    expect(bad.status).toBe(400);
    const fields = (bad.jsonBody as Problem).error.fields ?? [];
    expect(fields.map((field) => field.path)).toEqual(["body.at", "body.force"]);
    expect(fields[0]?.message).toContain("ISO 8601");
    const noZone = await complete(ports, "user1@source.contoso.com", { at: "2025-03-08T19:00:00" });
    expect((noZone.jsonBody as Problem).error.fields?.[0]?.path).toBe("body.at");
    expect(await ports.operatorActions.list(10)).toEqual([]);
  });

  it("answers 409 naming the status of a finished account, and 404 for an unknown one", async () => {
    const ports = await scene();
    const done = await complete(ports, "user2@source.contoso.com", {});
    expect(done.status).toBe(409);
    expect(done.jsonBody).toMatchObject({
      error: {
        code: "Conflict",
        reason: "AccountClosedError",
        message: expect.stringContaining("is CompletedWithWarnings") as unknown,
      },
    });
    const missing = await complete(ports, "nobody@source.contoso.com", {});
    expect(missing.status).toBe(404);
  });
});

describe("POST ops/waves/{waveId}/complete", () => {
  it("sets completeNow without `at` and completeAfter with it", async () => {
    const ports = await scene();
    const call = (body: unknown) =>
      serveAdmin(
        waveOperation,
        request({ waveId: "w1", operation: "complete" }, body, OPERATOR),
        () => Promise.resolve(ports),
        silentLogger,
      );
    const now = await call(undefined);
    expect(now.jsonBody).toMatchObject({ wave: { id: "w1", completeNow: NOW.toISOString() } });
    expect(now.jsonBody).not.toHaveProperty("wave.completeAfter");
    const after = await call({ at: "2030-01-01T00:00:00Z" });
    expect(after.jsonBody).toMatchObject({ wave: { completeAfter: "2030-01-01T00:00:00.000Z" } });
    expect(after.jsonBody).not.toHaveProperty("wave.completeNow");
  });
});
