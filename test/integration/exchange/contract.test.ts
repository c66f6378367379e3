import { hybridExchangeContract } from "../../contract/hybrid-exchange.contract.js";
import { startHarness } from "./helpers.js";

hybridExchangeContract("admin REST adapter on the Exchange simulator", async () => {
  const { simulator, exchange } = await startHarness({ organisation: { mailboxes: 4, archiveRate: 0 } });
  const accounts = simulator.inventory();
  const users = accounts.slice(0, 3).map((account) => account.upn) as [string, string, string];
  return {
    exchange,
    endpoint: "onprem",
    targetDeliveryDomain: simulator.targetDeliveryDomain,
    users,
    usersGuid: (email) => accounts.find((account) => account.upn === email)?.exchangeGuid ?? "",
    missing: `nobody@${simulator.domain}`,
    dispose: () => simulator.close(),
  };
});
