import { InMemoryCutoverAnnouncer } from "../../../shared/bus/cutovers.js";
import { cutoverAnnouncerContract } from "../../contract/cutover-announcer.contract.js";

cutoverAnnouncerContract("in-memory fake", () => {
  const announcer = new InMemoryCutoverAnnouncer();
  let delivered = 0;
  return Promise.resolve({
    announcer,
    receive: (count: number) => {
      const next = announcer.notices.slice(delivered, delivered + count);
      delivered += next.length;
      return Promise.resolve(next);
    },
  });
});
