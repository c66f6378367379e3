/**
 * The start-up check of the connections the settings name: one cheap read against Table Storage
 * and one against Service Bus, each bounded in time, so a closed port, a wrong key or a missing
 * role stops the app within seconds with the setting's name instead of failing every invocation.
 */
import {
  createServiceBusClient,
  createTableServiceClient,
  serviceBusSettingName,
  tablesSettingName,
} from "../azure/index.js";
import { MOVES_QUEUE } from "../bus/topology.js";
import { ConnectionCheckError } from "../config/errors.js";
import type { ServiceBusSettings, TablesSettings } from "../config/index.js";
import { redactText } from "../config/redact.js";

/**
 * How long each check may take; the SDKs' own retries would otherwise take minutes. Room for a
 * managed identity's first token on a cold instance, which a failed start would only repeat.
 */
export const CONNECTION_CHECK_TIMEOUT_MS = 10_000;

const NETWORK_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT"];

interface Failure {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
}

/** Why a check failed, in words an operator can act on; never the connection string. */
function reasonOf(error: unknown, timeoutMs: number, signal: AbortSignal): string {
  if (signal.aborted) return `did not answer within ${timeoutMs} ms`;
  const failure = (typeof error === "object" && error !== null ? error : {}) as Failure;
  const status = typeof failure.statusCode === "number" ? failure.statusCode : undefined;
  if (status === 401 || status === 403) {
    return `refused the app's credentials (HTTP ${status}): check the account key, or that the identity holds its role`;
  }
  const code = typeof failure.code === "string" ? failure.code : undefined;
  const name = typeof failure.name === "string" ? failure.name : "Error";
  const message = typeof failure.message === "string" ? redactText(failure.message.split("\n")[0] ?? "") : "";
  // Service Bus wraps socket errors (code GeneralError, the errno in the message).
  const network = NETWORK_CODES.find((candidate) => code === candidate || message.includes(candidate));
  if (network !== undefined) return `cannot be reached (${network})`;
  // The SDKs' own errors, not mailferry's: they carry their kind in code and name.
  // eslint-disable-next-line no-restricted-syntax
  if (code === "UnauthorizedAccess" || name === "UnauthorizedError") {
    return "refused the app's credentials: check the shared access key, or that the identity holds its role";
  }
  return `did not answer as expected (${code ?? name}${message ? `: ${message}` : ""})`;
}

async function within<T>(
  setting: string,
  timeoutMs: number,
  check: (signal: AbortSignal) => Promise<T>,
): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await Promise.race([
      check(abort.signal),
      new Promise<never>((_resolve, reject) => {
        abort.signal.addEventListener("abort", () => reject(new Error("timed out")), { once: true });
      }),
    ]);
  } catch (error) {
    throw new ConnectionCheckError(setting, reasonOf(error, timeoutMs, abort.signal), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Lists one table: needs only read access, and proves the endpoint, the key or the identity. */
export function checkTables(
  settings: TablesSettings,
  timeoutMs = CONNECTION_CHECK_TIMEOUT_MS,
): Promise<void> {
  const setting = tablesSettingName(settings);
  const client = createTableServiceClient(settings, { retryOptions: { maxRetries: 0 } });
  return within(setting, timeoutMs, async (abortSignal) => {
    await client.listTables({ abortSignal }).byPage({ maxPageSize: 1 }).next();
  });
}

/** Peeks the moves queue: needs only Listen, changes nothing, and proves the namespace and the key. */
export function checkServiceBus(
  settings: ServiceBusSettings,
  timeoutMs = CONNECTION_CHECK_TIMEOUT_MS,
): Promise<void> {
  const setting = serviceBusSettingName(settings);
  const client = createServiceBusClient(settings, {
    retryOptions: { maxRetries: 0, timeoutInMs: timeoutMs },
  });
  return within(setting, timeoutMs, async (abortSignal) => {
    const receiver = client.createReceiver(MOVES_QUEUE.name);
    await receiver.peekMessages(1, { abortSignal });
  }).finally(() => client.close().catch(() => undefined));
}

/**
 * Checks both connections at once; throws a ConnectionCheckError naming the (first) setting whose
 * connection failed, with every failure in its message.
 */
export async function checkConnections(
  settings: { readonly tables: TablesSettings; readonly serviceBus: ServiceBusSettings },
  timeoutMs = CONNECTION_CHECK_TIMEOUT_MS,
): Promise<void> {
  const results = await Promise.allSettled([
    checkTables(settings.tables, timeoutMs),
    checkServiceBus(settings.serviceBus, timeoutMs),
  ]);
  const failures = results.flatMap((result) =>
    result.status === "rejected" && result.reason instanceof ConnectionCheckError ? [result.reason] : [],
  );
  const unexpected = results.find(
    (result) => result.status === "rejected" && !(result.reason instanceof ConnectionCheckError),
  );
  if (unexpected?.status === "rejected") throw unexpected.reason;
  const [first, ...rest] = failures;
  if (first === undefined) return;
  if (rest.length === 0) throw first;
  const others = rest.map((failure) => `; ${failure.message}`).join("");
  throw new ConnectionCheckError(first.setting, `${first.reason}${others}`, { cause: first });
}
