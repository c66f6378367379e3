import { createMemoryStore } from "../../../shared/store/index.js";
import { migrationStoreContract } from "../../contract/migration-store.contract.js";

migrationStoreContract("in-memory fake", () => {
  const store = createMemoryStore();
  return Promise.resolve({
    store,
    corruptCounters: (delta) => {
      store.corruptCounters(delta);
      return Promise.resolve();
    },
    dispose: () => store.close(),
  });
});
