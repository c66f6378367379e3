import { InvalidArgumentError, type Command } from "commander";
import { printJsonLine, waitForStopSignal } from "./output.js";

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError("must be a whole number from 0 to 65535");
  return port;
}

/**
 * `mailferry emulate servicebus [--port N] [--key K]`: runs the Service Bus emulator on 127.0.0.1
 * in the foreground, prints `{"ready":true,"connectionString":"..."}` once it accepts
 * connections, and stops cleanly on SIGINT or SIGTERM.
 */
export function addEmulateServiceBusCommand(emulate: Command): void {
  emulate
    .command("servicebus")
    .description("run the AMQP 1.0 Service Bus emulator on 127.0.0.1 until interrupted")
    .option("--port <port>", "port to listen on (0: any free port)", parsePort, 0)
    .option("--key <key>", "shared access key clients must sign with (default: random)")
    .option("--json", "print the ready line as JSON (the default and only form)")
    .action(async (options: { port: number; key?: string }) => {
      const [{ startServiceBusEmulator }, { createLogger }, { QUEUES }] = await Promise.all([
        import("@mailferry/azure-local/servicebus"),
        import("../../shared/telemetry/logger.js"),
        import("../../shared/bus/topology.js"),
      ]);
      const emulator = await startServiceBusEmulator({
        queues: QUEUES,
        port: options.port,
        sasKey: options.key,
        logger: createLogger(),
      });
      printJsonLine({ ready: true, connectionString: emulator.connectionString });
      await waitForStopSignal();
      await emulator.close();
    });
}
