import { writeFile } from "node:fs/promises";
import { InvalidArgumentError, Option, type Command } from "commander";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { EXIT, printJsonLine, waitForStopSignal } from "./output.js";
import { DEFAULT_STOP_GRACE_SECONDS, signInRole } from "./emulate-host.js";
import { exportLines, shellQuote } from "./shell-env.js";

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("must be a whole number of 1 or more");
  return Number(value);
}

interface StackOptions {
  persist?: string;
  mailboxes: number;
  seed: number;
  httpPort?: number;
  role: string;
  env?: boolean;
  inventory?: string;
  json?: boolean;
}

const HELP = `
Output: one JSON line on stdout (the default, or --json) with the app settings, the API's base URL,
the function key and the dashboard URL; with --env, the settings as shell export lines instead, so
that another shell can take them:

  npx mailferry emulate stack --env --inventory inventory.csv > stack.env &
  . ./stack.env            # once the file ends with "# ready"
  npx mailferry wave create spring --time-zone Europe/London
  npx mailferry import inventory.csv --wave spring

The dashboard URL, signed in as the development user, is also printed on stderr.`;

/**
 * `mailferry emulate stack`: Azurite, the Service Bus emulator, the Graph simulator and the local
 * Functions host with every function, on 127.0.0.1; prints the settings a client needs (one JSON
 * line, or shell export lines with --env), optionally writes the simulated tenant's inventory,
 * and stops everything on SIGINT or SIGTERM.
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
    .addOption(
      new Option("--env", "print the settings as shell export lines instead of JSON").conflicts("json"),
    )
    .option(
      "--inventory <file>",
      "write the simulated tenant's inventory (sourceUpn,targetUpn) to this CSV file for mailferry import",
    )
    .option("--json", "print the settings as one JSON line (the default)")
    .addHelpText("after", HELP)
    .action(async (options: StackOptions) => {
      // Loaded here, not at the top, so that building the command tree (and --help) stays cheap.
      const [{ startStack }, { dashboardUrl }, { createLogger }, { inventoryCsv }] = await Promise.all([
        import("../../local/stack.js"),
        import("../../shared/dashboard/url.js"),
        import("../../shared/telemetry/logger.js"),
        import("../../local/demo/wave.js"),
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
      try {
        if (options.inventory !== undefined) {
          await writeFile(options.inventory, inventoryCsv(stack.graph?.inventory() ?? []));
        }
        const apiBaseUrl = stack.host.apiBaseUrl;
        const dashboard = apiBaseUrl === undefined ? null : dashboardUrl(apiBaseUrl, stack.host.functionKey);
        const signedInAs = { name: "dev-user", role: options.role };
        if (options.env === true) {
          for (const line of exportLines(stack.settings)) process.stdout.write(`${line}\n`);
          if (dashboard !== null) process.stdout.write(`# dashboard: ${shellQuote(dashboard)}\n`);
          process.stdout.write("# ready\n");
        } else {
          printJsonLine({
            ready: true,
            settings: stack.settings,
            tableEndpoint: stack.azurite.tableEndpoint,
            apiBaseUrl: apiBaseUrl ?? null,
            functionKey: stack.host.functionKey,
            dashboardUrl: dashboard,
            signedInAs,
            ...(options.inventory === undefined ? {} : { inventory: options.inventory }),
          });
        }
        if (dashboard !== null) {
          process.stderr.write(
            `dashboard, signed in as ${signedInAs.name} (${signedInAs.role}): ${dashboard}\n`,
          );
        }
        if (options.inventory !== undefined) {
          process.stderr.write(
            `inventory of ${stack.graph?.inventory().length ?? 0} accounts: ${options.inventory} (mailferry import ${options.inventory} --wave <wave>)\n`,
          );
        }
        await waitForStopSignal();
      } finally {
        await stack.close();
      }
      // Work that outlived the grace period (its messages abandoned) must not hold the process.
      process.exit(process.exitCode ?? EXIT.ok);
    });
}
