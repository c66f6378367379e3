import { InvalidArgumentError, type Command } from "commander";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { EXIT, printJsonLine, waitForStopSignal } from "../output.js";
import { DEFAULT_STOP_GRACE_SECONDS, signInRole } from "./emulate-host.js";

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("must be a whole number of 1 or more");
  return Number(value);
}

/**
 * `mailferry emulate stack`: Azurite, the Service Bus emulator, the Graph simulator and the local
 * Functions host with every function, on 127.0.0.1; prints one JSON line with the settings a
 * client needs and stops everything on SIGINT or SIGTERM.
 */
export function addEmulateStackCommand(emulate: Command): void {
  emulate
    .command("stack")
    .description("run the whole embedded Azure (tables, Service Bus, Graph, functions) until interrupted")
    .option(
      "--persist <dir>",
      "keep Table Storage in this folder instead of memory (saved every 5 s and when the stack stops)",
    )
    .option("--mailboxes <n>", "accounts in the simulated tenant", parseCount, 20)
    .option("--seed <n>", "seed of the simulated tenant", parseCount, 1)
    .option("--http-port <port>", "port of the functions' HTTP endpoint (default: any free port)", parseCount)
    .option(
      "--role <role>",
      "the role of the development sign-in that stands in for App Service authentication (Operator or Reader)",
      signInRole,
      ROLES.operator,
    )
    .action(
      async (options: {
        persist?: string;
        mailboxes: number;
        seed: number;
        httpPort?: number;
        role: string;
      }) => {
        const [{ startStack }, { dashboardUrl }, { createLogger }] = await Promise.all([
          import("../../local/stack.js"),
          import("../../shared/dashboard/url.js"),
          import("../../shared/telemetry/logger.js"),
        ]);
        const stack = await startStack({
          logger: createLogger(),
          // App Service authentication, played locally: callers without a principal are this user.
          authentication: { devPrincipal: encodePrincipal("dev-user", [options.role]) },
          graph: { mailboxes: options.mailboxes, seed: options.seed },
          ...(options.persist !== undefined ? { persistDir: options.persist } : {}),
          ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
          stopGraceMs: DEFAULT_STOP_GRACE_SECONDS * 1000,
        });
        printJsonLine({
          ready: true,
          settings: stack.settings,
          tableEndpoint: stack.azurite.tableEndpoint,
          apiBaseUrl: stack.host.apiBaseUrl ?? null,
          functionKey: stack.host.functionKey,
          dashboardUrl: dashboardUrl(stack.host.apiBaseUrl ?? "", stack.host.functionKey),
          signedInAs: { name: "dev-user", role: options.role },
        });
        await waitForStopSignal();
        await stack.close();
        // Work that outlived the grace period (its messages abandoned) must not hold the process.
        process.exit(process.exitCode ?? EXIT.ok);
      },
    );
}
