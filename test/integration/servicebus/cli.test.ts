import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { connect } from "./harness.js";
import { QUEUES } from "../../../shared/bus/topology.js";

const program = fileURLToPath(new URL("./fixtures/emulate-program.ts", import.meta.url));

describe("mailferry emulate servicebus", () => {
  it("prints a ready line with a working connection string and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", program, "emulate", "servicebus", "--port", "0", "--key", "k3y"],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, MAILFERRY_LOG_LEVEL: "warn" },
      },
    );
    const exited = once(child, "exit");
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, "line")) as [string];
      const ready = JSON.parse(first) as { ready: boolean; connectionString: string };
      expect(ready.ready).toBe(true);
      expect(ready.connectionString).toMatch(
        /^Endpoint=sb:\/\/localhost:\d+;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=k3y;UseDevelopmentEmulator=true;$/,
      );
      const client = connect(ready.connectionString);
      try {
        const queue = QUEUES[0]?.name ?? "moves";
        await client.createSender(queue).sendMessages({ body: "through the CLI" });
        const [message] = await client
          .createReceiver(queue, { receiveMode: "receiveAndDelete" })
          .receiveMessages(1);
        expect(message?.body).toBe("through the CLI");
      } finally {
        await client.close();
      }
    } finally {
      child.kill("SIGTERM");
    }
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
