import { hybridExchangeContract } from "../../contract/hybrid-exchange.contract.js";
import { InMemoryHybridExchange } from "../../../shared/exchange/memory.js";
import { ZERO_GUID } from "../../../shared/exchange/port.js";

const USERS = ["ada@fabrikam.example", "ben@fabrikam.example", "cy@fabrikam.example"] as const;
const guidOf = (email: string): string =>
  `0000000${USERS.indexOf(email as (typeof USERS)[number]) + 1}-0000-4000-8000-000000000000`;

hybridExchangeContract("in-memory fake", () => {
  const exchange = new InMemoryHybridExchange();
  exchange.endpoints.set("onprem", {
    identity: "onprem",
    maxConcurrentMigrations: 100,
    maxConcurrentIncrementalSyncs: 20,
  });
  for (const email of USERS) {
    exchange.mailUsers.set(email, {
      identity: email.split("@")[0] ?? email,
      userPrincipalName: email,
      exchangeGuid: guidOf(email),
      archiveGuid: ZERO_GUID,
      recipientTypeDetails: "MailUser",
    });
  }
  return Promise.resolve({
    exchange,
    endpoint: "onprem",
    targetDeliveryDomain: "fabrikam.mail.onmicrosoft.com",
    users: USERS,
    usersGuid: guidOf,
    missing: "nobody@fabrikam.example",
    dispose: () => Promise.resolve(),
  });
});
