import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalHost, parseHostJson } from "../../../local/host/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { fixtureApp } from "../../fixtures/apps/probe.js";

describe("http trigger", () => {
  let host: LocalHost;
  let api: string;

  beforeAll(async () => {
    host = await LocalHost.start({
      app: fixtureApp("http"),
      env: {},
      hostJson: parseHostJson("{}"),
      http: { authentication: { devPrincipal: "ZGV2" } },
      logger: silentLogger,
    });
    api = host.apiBaseUrl ?? "";
  });

  afterAll(async () => {
    await host.stop();
  });

  it("refuses a function-level route without a key", async () => {
    const response = await fetch(`${api}/echo/alice`);
    expect(response.status).toBe(401);
    const wrong = await fetch(`${api}/echo/alice`, { headers: { "x-functions-key": "nope" } });
    expect(wrong.status).toBe(401);
  });

  it("serves it with the key in the header or the code query, with route params", async () => {
    const viaHeader = await fetch(`${api}/echo/alice/3?q=x`, {
      headers: { "x-functions-key": host.functionKey },
    });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toEqual({
      name: "alice",
      count: "3",
      q: "x",
      body: null,
      principal: "ZGV2",
    });
    const viaQuery = await fetch(`${api}/echo/bob?code=${encodeURIComponent(host.functionKey)}`, {
      method: "POST",
      body: "hello",
    });
    expect(await viaQuery.json()).toMatchObject({ name: "bob", count: null, body: "hello" });
    const viaMaster = await fetch(`${api}/echo/carol`, { headers: { "x-functions-key": host.masterKey } });
    expect(viaMaster.status).toBe(200);
  });

  it("answers 404, 405 and a 500 that hides the error", async () => {
    expect((await fetch(`${api}/nowhere`)).status).toBe(404);
    expect(
      (await fetch(`${api}/echo/a/notanint`, { headers: { "x-functions-key": host.functionKey } })).status,
    ).toBe(404);
    expect((await fetch(`${api}/health`, { method: "DELETE" })).status).toBe(405);
    expect(await (await fetch(`${api}/health`)).text()).toBe("ok");
    const failed = await fetch(`${api}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain("secret detail");
  });
});
