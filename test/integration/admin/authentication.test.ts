/**
 * With App Service authentication off, `x-ms-client-principal` is whatever the caller wrote, so the
 * app trusts it for nothing: a function key plus a forged Operator principal gets a 401 that says
 * why, from the admin API and from the dashboard, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type EmbeddedStack } from "../../../local/stack.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { call, errorOf, OPERATOR } from "../../fixtures/admin/http.js";

let stack: EmbeddedStack;

beforeAll(async () => {
  stack = await startStack({
    graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false },
    logger: silentLogger,
    stopGraceMs: 1_000,
    settings: { MAILFERRY_LOG_LEVEL: "off" },
  });
});

afterAll(async () => {
  await stack.close();
});

describe("the admin API with App Service authentication off", () => {
  it("refuses a forged Operator principal with 401 and the reason", async () => {
    const status = await call(stack, "ops/status", { principal: OPERATOR });
    expect(status.status).toBe(401);
    expect(errorOf(status).message).toMatch(/App Service authentication is off/);
    const pause = await call(stack, "ops/waves/any/pause", { principal: OPERATOR, body: {} });
    expect(pause.status).toBe(401);
    const actions = await call(stack, "ops/actions", { principal: OPERATOR });
    expect(actions.status).toBe(401);
  });

  it("refuses the dashboard's data the same way", async () => {
    const data = await call(stack, "dash/data", { principal: OPERATOR });
    expect(data.status).toBe(401);
    expect(data.text).toMatch(/authentication is off/);
  });
});
