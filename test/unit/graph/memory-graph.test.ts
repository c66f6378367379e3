import { mailboxGraphContract } from "../../contract/mailbox-api.contract.js";
import { InMemoryMailboxGraph } from "../../../shared/graph/memory.js";

mailboxGraphContract("in-memory fake", () => {
  const source = new InMemoryMailboxGraph();
  const target = new InMemoryMailboxGraph();
  const { primaryMailboxId = "" } = source.addUser("ada@contoso.example", { archive: true });
  const inbox = source.folderId(primaryMailboxId, "inbox");
  for (let n = 0; n < 5; n += 1) {
    source.addItem(primaryMailboxId, inbox, {
      size: 1_000 + n,
      createdDateTime: new Date(Date.UTC(2030, 0, 1 + n)).toISOString(),
    });
  }
  target.addUser("ada@fabrikam.example");
  return Promise.resolve({
    source,
    target,
    sourceUpn: "ada@contoso.example",
    targetUpn: "ada@fabrikam.example",
    missingUpn: "nobody@contoso.example",
    whileThrottled: async (call) => {
      target.failNext("listFolders", { kind: "throttled", retryAfterMs: 30_000 }, { times: Infinity });
      try {
        return await call();
      } finally {
        target.clearFailures();
      }
    },
    losingTheAnswer: (call) => {
      target.failNext("importItem", { kind: "lost answer" });
      return call();
    },
    dispose: () => Promise.resolve(),
  });
});
