import { type Command, InvalidArgumentError } from "commander";
import { printJsonLine, waitForStopSignal } from "./output.js";

function integer(min: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min)
      throw new InvalidArgumentError(`must be an integer >= ${min}`);
    return parsed;
  };
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("must be a number > 0");
  return parsed;
}

interface EmulateGraphOptions {
  port: number;
  seed: number;
  mailboxes: number;
  itemsPerMailbox: number;
  scaleWindows: number;
}

/**
 * `mailferry emulate graph`: runs the Graph tenant simulator in the foreground, prints one JSON line
 * with everything a client needs (URLs, tenant and app ids, secrets, CA path), and stops on
 * SIGINT/SIGTERM.
 */
export function addEmulateGraphCommand(emulate: Command): void {
  emulate
    .command("graph")
    .description("run the HTTPS Microsoft Graph tenant simulator (source and target tenants)")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", integer(0), 0)
    .option("--seed <s>", "seed of the simulated tenants", integer(Number.MIN_SAFE_INTEGER), 1)
    .option("--mailboxes <m>", "accounts in the inventory", integer(1), 200)
    .option("--items-per-mailbox <n>", "mean items per mailbox (long-tailed)", integer(1), 100)
    .option(
      "--scale-windows <f>",
      "multiplies the throttle windows (0.01 turns minutes into seconds)",
      positiveNumber,
      1,
    )
    .option("--json", "print the ready line as JSON (the default and only form)")
    .action(async (options: EmulateGraphOptions) => {
      const [{ startGraphSimulator }, { createLogger }] = await Promise.all([
        import("@mailferry/azure-local/graph"),
        import("../../shared/telemetry/logger.js"),
      ]);
      const simulator = await startGraphSimulator({
        logger: createLogger(),
        port: options.port,
        seed: options.seed,
        mailboxes: options.mailboxes,
        itemsPerMailbox: options.itemsPerMailbox,
        scaleWindows: options.scaleWindows,
      });
      const side = (credentials: typeof simulator.source): Record<string, string> => ({
        tenantId: credentials.tenantId,
        domain: credentials.domain,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        certificatePath: credentials.certificatePath,
        serviceUpn: credentials.serviceUpn,
      });
      printJsonLine({
        graph: {
          baseUrl: simulator.baseUrl,
          authorityHost: simulator.authorityHost,
          caCertPath: simulator.caCertPath,
          adminUrl: `${simulator.baseUrl}/_simulator/`,
          accounts: simulator.inventory().length,
          source: side(simulator.source),
          target: side(simulator.target),
          settings: simulator.settings(),
        },
      });
      await waitForStopSignal();
      await simulator.close();
    });
}
