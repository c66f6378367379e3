/**
 * The lease a slice holds on its account: the account it hands out for the next write is the one
 * the latest write returned, renewals included, and renewals are paced and never overlap.
 */
import { describe, expect, it } from "vitest";
import { newAccount, type Account } from "../../../shared/domain/index.js";
import { AccountLease } from "../../../shared/mover/lease.js";

function claimedAccount(etag: string): Account {
  const record = newAccount(
    {
      waveId: "wave-1",
      source: { upn: "ada@fabrikam.example" },
      target: { upn: "ada@contoso.example" },
      priority: 0,
    },
    new Date(Date.UTC(2026, 0, 5)),
  );
  return { ...record, etag };
}

/** A store's claim that answers each renewal with a new version. */
function renewals(): { renew: (account: Account) => Promise<Account>; readonly calls: () => number } {
  let calls = 0;
  return {
    renew: (account) => {
      calls += 1;
      return Promise.resolve({ ...account, etag: `renewed-${calls}` });
    },
    calls: () => calls,
  };
}

describe("AccountLease", () => {
  it("hands out the account its renewal wrote, so the next write names the renewal's ETag", async () => {
    const store = renewals();
    const lease = new AccountLease(claimedAccount("claimed"), store.renew, 0);
    await lease.heartbeat();
    expect(lease.latest().etag).toBe("renewed-1");
  });

  it("hands out the account a progress write returned", () => {
    const lease = new AccountLease(claimedAccount("claimed"), renewals().renew, 60_000);
    lease.wrote({ ...lease.latest(), etag: "after-progress" });
    expect(lease.latest().etag).toBe("after-progress");
  });

  it("does not renew before the renewal is due", async () => {
    const store = renewals();
    const lease = new AccountLease(claimedAccount("claimed"), store.renew, 60_000);
    await lease.heartbeat();
    expect(store.calls()).toBe(0);
    expect(lease.latest().etag).toBe("claimed");
  });

  it("shares one renewal among the pages that ask for it at once", async () => {
    const store = renewals();
    const lease = new AccountLease(claimedAccount("claimed"), store.renew, 0);
    await Promise.all([lease.heartbeat(), lease.heartbeat(), lease.heartbeat()]);
    expect(store.calls()).toBe(1);
  });

  it("passes on a lost claim to the page that renewed", async () => {
    const lease = new AccountLease(
      claimedAccount("claimed"),
      () => Promise.reject(new Error("lease lost")),
      0,
    );
    await expect(lease.heartbeat()).rejects.toThrow("lease lost");
    expect(lease.latest().etag).toBe("claimed");
  });
});
