import type { Command } from "commander";
import { ALL_FUNCTIONS } from "../../functions/index.js";
import { LocalHost } from "../../local/host/index.js";
import { createServices } from "../../shared/runtime/create.js";
import { closeServices, useServices } from "../../shared/runtime/services.js";
import { createLogger } from "../../shared/telemetry/logger.js";
import { printJsonLine, waitForStopSignal } from "../output.js";

/**
 * `mailferry emulate host`: only the local Functions host, running every function against the
 * services its app settings (environment) name — e.g. those `mailferry emulate stack` printed.
 * Killing and restarting it is how a crashed Functions instance is reproduced.
 */
export function addEmulateHostCommand(emulate: Command): void {
  emulate
    .command("host")
    .description("run the local Functions host with every function, configured from the environment")
    .action(async () => {
      const logger = createLogger({ fields: { component: "host" } });
      useServices(() => createServices(process.env, { logger }));
      const host = await LocalHost.start({ definitions: ALL_FUNCTIONS, env: process.env, logger });
      printJsonLine({ ready: true, apiBaseUrl: host.apiBaseUrl ?? null });
      await waitForStopSignal();
      await host.stop();
      await closeServices();
    });
}
