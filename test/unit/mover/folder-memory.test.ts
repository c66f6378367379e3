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

describe("folder memory's size", () => {
  it("forgets the oldest accounts once it holds more folders than it may", () => {
    const memory = new FolderMemory(3);
    const two = new Map([["key~primary", [inbox, { ...inbox, sourceFolderId: "src-sent", path: "Sent" }]]]);
    memory.keep("first@contoso.com", "slice-1", two);
    memory.keep("second@contoso.com", "slice-2", two);
    expect(memory.size).toBe(2);
    expect(memory.take("first@contoso.com", "slice-1")).toBeUndefined();
    expect(memory.take("second@contoso.com", "slice-2")).toBe(two);
    expect(memory.size).toBe(0);
  });
});
