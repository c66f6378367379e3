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

interface EmulateExchangeOptions {
  port: number;
  seed: number;
  mailboxes: number;
  endpoint?: string;
}

/**
 * `mailferry emulate exchange`: runs the Exchange Online simulator (admin REST endpoint, token
 * authority, a hybrid organisation) in the foreground on the wall clock, prints one JSON line with
 * its settings and the on-premises administrator an endpoint needs, and stops on SIGINT/SIGTERM.
 */
export function addEmulateExchangeCommand(emulate: Command): void {
  emulate
    .command("exchange")
    .description("run the HTTPS Exchange Online admin REST simulator with a hybrid organisation behind it")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", integer(0), 0)
    .option("--seed <s>", "seed of the simulated organisation", integer(Number.MIN_SAFE_INTEGER), 1)
    .option("--mailboxes <m>", "on-premises mailboxes", integer(1), 200)
    .option("--endpoint <name>", "a migration endpoint an administrator already created")
    .option("--json", "print the ready line as JSON (the default and only form)")
    .action(async (options: EmulateExchangeOptions) => {
      const [{ startExchangeSimulator }, { createLogger }] = await Promise.all([
        import("@mailferry/azure-local/exchange"),
        import("../../shared/telemetry/logger.js"),
      ]);
      const simulator = await startExchangeSimulator({
        logger: createLogger(),
        port: options.port,
        organisation: { seed: options.seed, mailboxes: options.mailboxes },
        ...(options.endpoint !== undefined ? { endpoint: { name: options.endpoint } } : {}),
      });
      printJsonLine({
        exchange: {
          baseUrl: simulator.baseUrl,
          controlUrl: `${simulator.baseUrl}/_exchange/`,
          domain: simulator.domain,
          targetDeliveryDomain: simulator.targetDeliveryDomain,
          remoteServer: simulator.administrator.remoteServer,
          onPremisesUser: simulator.administrator.userName,
          // The simulated organisation's administrator, for `mailferry endpoint create` against it.
          onPremisesPassword: simulator.administrator.password,
          accounts: simulator.inventory().length,
          settings: simulator.settings(),
        },
      });
      await waitForStopSignal();
      await simulator.close();
    });
}
