import type { Command } from "commander";
import { LocalHost, mailferryApp } from "../../local/host/index.js";
import { createLogger } from "../../shared/telemetry/logger.js";
import { printJsonLine, waitForStopSignal } from "../output.js";

/**
 * `mailferry emulate host`: only the local Functions host, loading the function app as the Azure
 * Functions worker does and running it against the services its app settings (the environment)
 * name — e.g. those `mailferry emulate stack` printed. Killing and restarting it is how a
 * crashed Functions instance is reproduced.
 */
export function addEmulateHostCommand(emulate: Command): void {
  emulate
    .command("host")
    .description("run the local Functions host with the function app, configured from the environment")
    .option("--build", "load the compiled app (package.json main) instead of its sources")
    .action(async (options: { build?: boolean }) => {
      const logger = createLogger({ fields: { component: "host" } });
      const host = await LocalHost.start({
        app: mailferryApp(options.build === true ? "build" : "sources"),
        env: process.env,
        logger,
      });
      printJsonLine({ ready: true, apiBaseUrl: host.apiBaseUrl ?? null, functionKey: host.functionKey });
      await waitForStopSignal();
      await host.stop();
    });
}
