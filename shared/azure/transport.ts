/**
 * The one transport rule for every Azure connection the product opens: without TLS only to this
 * machine (Azurite, the Service Bus emulator), never across a network. A storage key or a shared
 * access signature sent in the clear to another host would be readable by anyone on the path.
 */
import { invalidSetting } from "../config/env.js";

/** The host names that are this machine; the only ones a plain (unencrypted) connection may reach. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];

/** Whether `host` (as `URL.hostname` gives it, IPv6 possibly in brackets) is this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return LOOPBACK_HOSTS.includes(bare);
}

/** Where a setting points a client, and whether the connection would go without TLS. */
export interface Transport {
  /** The setting the endpoint comes from; the error names it. */
  readonly setting: string;
  /** The setting's value; the error shows it with keys and signatures masked. */
  readonly value: string;
  /** The endpoint's host name. */
  readonly host: string;
  /** True for plain http, or AMQP without TLS (a Service Bus emulator connection string). */
  readonly plain: boolean;
}

/**
 * Applies the rule: a plain connection is allowed to a loopback host and refused to any other with
 * a ConfigError naming the setting. Returns whether the connection is plain, which is what the
 * SDK must then be told (`allowInsecureConnection`).
 */
export function assertTransportAllowed(transport: Transport): boolean {
  if (!transport.plain || isLoopbackHost(transport.host)) return transport.plain;
  throw invalidSetting(
    transport.setting,
    transport.value,
    `TLS to ${transport.host}: a connection without TLS (http://, UseDevelopmentEmulator=true) may only reach this machine (${LOOPBACK_HOSTS.join(", ")})`,
  );
}
