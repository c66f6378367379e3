/** GET ops/waves/{waveId}/users through the admin API's request handling, on in-memory ports. */
import { describe, expect, it } from "vitest";
import { usersOperation } from "../../../shared/admin/api/read.js";
import { serveAdmin, type AdminRequest, type AdminResponse } from "../../../shared/admin/api/http.js";
import { encodePrincipal, PRINCIPAL_HEADER, ROLES } from "../../../shared/admin/principal.js";
import type { UsersPage } from "../../../shared/admin/users.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { at } from "../../factories/index.js";
import { accountAlong, addWave, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";

const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
const NOBODY = encodePrincipal("guest@contoso.com", []);

async function scene(): Promise<MemoryPorts> {
  const ports = memoryPorts(at(10));
  await addWave(ports, "w1");
  for (let n = 1; n <= 5; n += 1) await accountAlong(ports, n, "w1", n % 2 === 0 ? ["Queued"] : []);
  return ports;
}

function get(
  ports: MemoryPorts,
  query: Record<string, string>,
  principal: string | null = READER,
  waveId = "w1",
): Promise<AdminResponse> {
  const request: AdminRequest = {
    method: "GET",
    query,
    params: { waveId },
    header: (name) => (name === PRINCIPAL_HEADER ? principal : null),
    text: () => Promise.resolve(""),
    authenticationEnabled: true,
  };
  return serveAdmin(usersOperation, request, () => Promise.resolve(ports), silentLogger);
}

describe("GET ops/waves/{waveId}/users", () => {
  it("answers readers with a filtered page of per-user rows", async () => {
    const ports = await scene();
    const answer = await get(ports, { status: "Pending", limit: "2", offset: "1" });
    expect(answer.status).toBe(200);
    const page = answer.jsonBody as UsersPage;
    expect(page).toMatchObject({ waveId: "w1", total: 3, offset: 1 });
    expect(page.users.map((user) => user.sourceUpn)).toEqual([
      "user3@source.contoso.com",
      "user5@source.contoso.com",
    ]);
    expect(page.users[0]?.statistics).toMatchObject({ percentComplete: 0, stalled: false });
  });

  it("refuses callers without a role, bad filters by name, and unknown waves", async () => {
    const ports = await scene();
    expect((await get(ports, {}, null)).status).toBe(401);
    expect((await get(ports, {}, NOBODY)).status).toBe(403);
    const bad = await get(ports, { sort: "speed", limit: "0" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.jsonBody)).toMatch(/query\.sort.*query\.limit|query\.limit.*query\.sort/);
    expect((await get(ports, {}, READER, "nope")).status).toBe(404);
  });
});
