import { describe, expect, it } from "vitest";
import { FolderMemory } from "../../../shared/mover/folder-memory.js";
import type { FolderCheckpoint } from "../../../shared/transfer/state/port.js";

const inbox: FolderCheckpoint = {
  sourceFolderId: "src-inbox",
  targetFolderId: "dst-inbox",
  path: "Inbox",
  passComplete: true,
  round: 2,
};
const left = new Map([["alice@contoso.com~primary", [inbox]]]);

describe("folder memory", () => {
  it("hands the folders to the next slice only if its account names the slice that left them", () => {
    const memory = new FolderMemory();
    memory.keep("alice@contoso.com", "slice-1", left);
    expect(memory.take("alice@contoso.com", "slice-0")).toBeUndefined();
    // The wrong slice took the entry away: it is not there for anyone afterwards.
    expect(memory.take("alice@contoso.com", "slice-1")).toBeUndefined();
    memory.keep("alice@contoso.com", "slice-1", left);
    expect(memory.take("alice@contoso.com", "slice-1")).toBe(left);
  });

  it("hands an entry out once, so a failed slice leaves nothing behind", () => {
    const memory = new FolderMemory();
    memory.keep("alice@contoso.com", "slice-1", left);
    expect(memory.take("alice@contoso.com", "slice-1")).toBe(left);
    expect(memory.take("alice@contoso.com", "slice-1")).toBeUndefined();
    expect(memory.take("bob@contoso.com", undefined)).toBeUndefined();
  });
});
