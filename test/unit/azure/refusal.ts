import { expect } from "vitest";
import { ConfigError } from "../../../shared/config/errors.js";

/**
 * Expects `call` to be refused by the transport rule: a ConfigError naming `setting` (its message
 * opens with it) and the host, and never showing `secret`.
 */
export function expectRefused(call: () => unknown, setting: string, host: string, secret: string): void {
  expect(call).toThrow(ConfigError);
  expect(call).toThrow(new RegExp(`^setting ${setting}: `));
  expect(call).toThrow(host);
  expect(call).not.toThrow(secret);
}
