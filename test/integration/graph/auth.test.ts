import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphSimulator, startGraphSimulator } from "@mailferry/azure-local/graph";
import { createGraphClient, createGraphCredential, graphScope } from "../../../shared/graph/client.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { clientFor, connectionFor, graphError, mailboxIds, mailboxPath, rawCall } from "./helpers.js";

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("Graph simulator identity and permissions", () => {
  let simulator: GraphSimulator;
  let other: GraphSimulator;

  beforeAll(async () => {
    [simulator, other] = await Promise.all([
      startGraphSimulator({ mailboxes: 3, itemsPerMailbox: 5, plantTrouble: false, logger: silentLogger }),
      startGraphSimulator({
        mailboxes: 1,
        itemsPerMailbox: 2,
        plantTrouble: false,
        logger: silentLogger,
        seed: 2,
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([simulator.close(), other.close()]);
  });

  it("issues signed, expiring app tokens with the tenant and granted roles to ClientSecretCredential", async () => {
    const credential = createGraphCredential(connectionFor(simulator, "source"));
    const token = await credential.getToken(graphScope(simulator.baseUrl));
    expect(token).not.toBeNull();
    const claims = claimsOf(token?.token ?? "");
    expect(claims.tid).toBe(simulator.source.tenantId);
    expect(claims.appid).toBe(simulator.source.clientId);
    expect(claims.aud).toBe(simulator.baseUrl);
    expect(claims.roles).toEqual(expect.arrayContaining(["MailboxItem.Export.All", "User.Read.All"]));
    expect(claims.roles).not.toContain("MailboxItem.ImportExport.All");
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
  });

  it("accepts the public Graph scope as well", async () => {
    const credential = createGraphCredential(connectionFor(simulator, "target"));
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    expect(claimsOf(token?.token ?? "").aud).toBe("https://graph.microsoft.com");
  });

  it("serves a certificate credential (client assertion signed with the app's key)", async () => {
    const { clientSecret: _secret, ...rest } = connectionFor(simulator, "target");
    const client = createGraphClient(
      { ...rest, certificatePath: simulator.target.certificatePath },
      { maxRetries: 0 },
    );
    const account = simulator.inventory()[0];
    const user = (await client.api(`/users/${account?.targetUpn ?? ""}`).get()) as {
      userPrincipalName: string;
    };
    expect(user.userPrincipalName).toBe(account?.targetUpn);
  });

  it("refuses a wrong client secret and an unknown tenant at the token endpoint", async () => {
    const wrongSecret = createGraphCredential({
      ...connectionFor(simulator, "source"),
      clientSecret: "not-the-secret",
    });
    await expect(wrongSecret.getToken(graphScope(simulator.baseUrl))).rejects.toThrow(
      /7000215|invalid_client/,
    );
    const wrongTenant = createGraphCredential({
      ...connectionFor(simulator, "source"),
      tenantId: "00000000-0000-4000-8000-000000000000",
    });
    await expect(wrongTenant.getToken(graphScope(simulator.baseUrl))).rejects.toThrow(
      /endpoints_resolution_error|90002/,
    );
  });

  it("refuses missing, malformed and foreign tokens with Graph's 401 body", async () => {
    const upn = simulator.inventory()[0]?.sourceUpn ?? "";
    const missing = await rawCall(simulator, `/v1.0/users/${upn}`);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
    expect(missing.json).toHaveProperty("error.innerError.request-id");

    const garbage = await rawCall(simulator, `/v1.0/users/${upn}`, {
      headers: { Authorization: "Bearer abc.def.ghi" },
    });
    expect(garbage.status).toBe(401);

    const foreign = await createGraphCredential(connectionFor(other, "source")).getToken(
      graphScope(other.baseUrl),
    );
    const refused = await rawCall(simulator, `/v1.0/users/${upn}`, {
      headers: { Authorization: `Bearer ${foreign?.token ?? ""}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
  });

  it("refuses calls the app has no application permission for with 403", async () => {
    const limited = simulator.registerApp("source", ["User.Read.All"]);
    const client = createGraphClient(
      {
        ...connectionFor(simulator, "source"),
        clientId: limited.clientId,
        clientSecret: limited.clientSecret,
      },
      { maxRetries: 0 },
    );
    const upn = simulator.inventory()[0]?.sourceUpn ?? "";
    const { primaryMailboxId } = await mailboxIds(client, upn);
    const denied = await graphError(client.api(`${mailboxPath(primaryMailboxId)}/folders`).get());
    expect(denied.statusCode).toBe(403);
    expect(denied.code).toBe("ErrorAccessDenied");

    // The source app may export but not import.
    const source = clientFor(simulator, "source");
    const noImport = await graphError(
      source.api(`${mailboxPath(primaryMailboxId)}/createImportSession`).post({}),
    );
    expect(noImport.statusCode).toBe(403);
  });

  it("scopes every call to the token's tenant", async () => {
    const source = clientFor(simulator, "source");
    const targetUpn = simulator.inventory()[0]?.targetUpn ?? "";
    const notHere = await graphError(source.api(`/users/${targetUpn}`).get());
    expect(notHere.statusCode).toBe(404);
    expect(notHere.code).toBe("Request_ResourceNotFound");
  });
});

describe("Graph simulator token lifetime", () => {
  it("refuses a token once it has expired", async () => {
    const simulator = await startGraphSimulator({
      mailboxes: 1,
      itemsPerMailbox: 2,
      plantTrouble: false,
      tokenLifetimeSeconds: 2,
      logger: silentLogger,
    });
    try {
      const token = await createGraphCredential(connectionFor(simulator, "source")).getToken(
        graphScope(simulator.baseUrl),
      );
      const upn = simulator.inventory()[0]?.sourceUpn ?? "";
      const headers = { Authorization: `Bearer ${token?.token ?? ""}` };
      expect((await rawCall(simulator, `/v1.0/users/${upn}`, { headers })).status).toBe(200);
      await sleep(2100);
      const expired = await rawCall(simulator, `/v1.0/users/${upn}`, { headers });
      expect(expired.status).toBe(401);
      expect(expired.json).toMatchObject({ error: { message: expect.stringMatching(/expired/) as unknown } });
    } finally {
      await simulator.close();
    }
  });
});
