import { type Env, guidSetting, intSetting, invalidSetting, optional } from "./env.js";

/** What the Functions host reads on the app's behalf and mailferry checks at start. */
export interface FunctionsHostSettings {
  /** The host.json override of the Service Bus trigger's concurrency, when set. */
  readonly maxConcurrentCalls: number | undefined;
}

/** The app setting that overrides host.json's extensions.serviceBus.maxConcurrentCalls. */
export const MAX_CONCURRENT_CALLS_SETTING =
  "AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls";

/** The Service Bus extension refuses anything below 1 (ServiceBusOptions.MaxConcurrentCalls). */
export function readMaxConcurrentCalls(env: Env): number | undefined {
  if (optional(env, MAX_CONCURRENT_CALLS_SETTING) === undefined) return undefined;
  return intSetting(env, MAX_CONCURRENT_CALLS_SETTING, {
    min: 1,
    max: 2_147_483_647,
    fallback: 1,
    unit: "Service Bus calls one instance runs at once",
  });
}

/**
 * Reads the host's own settings (its storage identity, the concurrency override, the managed
 * identity the SDK clients use). A host with a typo there fails in ways far from the setting's
 * name, so the app checks their form when it loads.
 */
export function readFunctionsHostSettings(env: Env): FunctionsHostSettings {
  const account = optional(env, "AzureWebJobsStorage__accountName");
  if (account !== undefined && !/^[a-z0-9]{3,24}$/.test(account)) {
    throw invalidSetting(
      "AzureWebJobsStorage__accountName",
      account,
      "a storage account name: 3 to 24 lower-case letters and digits",
    );
  }
  const credential = optional(env, "AzureWebJobsStorage__credential");
  if (credential !== undefined && credential.toLowerCase() !== "managedidentity") {
    throw invalidSetting("AzureWebJobsStorage__credential", credential, "managedidentity");
  }
  guidSetting(env, "AzureWebJobsStorage__clientId");
  guidSetting(env, "AZURE_CLIENT_ID");
  return { maxConcurrentCalls: readMaxConcurrentCalls(env) };
}
