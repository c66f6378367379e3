import { mailboxGraphContract } from "../../contract/mailbox-api.contract.js";
import { PUBLISHED_LIMITS, startGraphSimulator } from "@mailferry/azure-local/graph";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { closeGraphTransports } from "../../../shared/graph/client.js";
import { createMailboxApi } from "../../../shared/runtime/create.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

mailboxGraphContract("Graph adapter on the HTTPS simulator", async () => {
  const simulator = await startGraphSimulator({
    mailboxes: 4,
    itemsPerMailbox: 60,
    plantTrouble: false,
    logger: silentLogger,
  });
  const settings = readGraphSettings(simulator.settings());
  const account = simulator.inventory().find((entry) => entry.expectation === "ok" && entry.itemCount >= 3);
  if (!account) throw new Error("the simulator seeded no account with items");
  return {
    source: createMailboxApi(settings.source),
    target: createMailboxApi(settings.target),
    sourceUpn: account.sourceUpn,
    targetUpn: account.targetUpn,
    missingUpn: `nobody-${account.sourceUpn}`,
    whileThrottled: async (call) => {
      // One request per window: every request is over Outlook's limit.
      simulator.setLimits({ requestsPerWindow: 1 });
      try {
        return await call();
      } finally {
        simulator.setLimits({ requestsPerWindow: PUBLISHED_LIMITS.requestsPerWindow });
      }
    },
    losingTheAnswer: async (call) => {
      simulator.setFaults({ lostResponseRate: 1 });
      try {
        return await call();
      } finally {
        simulator.setFaults({ lostResponseRate: 0 });
      }
    },
    dispose: async () => {
      await simulator.close();
      await closeGraphTransports();
    },
  };
});
