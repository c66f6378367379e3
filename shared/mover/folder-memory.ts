/**
 * The folder checkpoints a mover left behind, per account, so that the account's next slice on
 * this instance starts from them instead of reading them back. An entry is good only for the
 * slice that wrote it: the account's checkpoint names the last slice that finished (`lastSlice`),
 * and an entry is handed out once, to a slice that finds its own slice named there. Should another
 * worker have run a slice since, without finishing it, the entry lags what is stored; a lagging
 * folder checkpoint only makes a page be read again (the item map skips what was copied).
 */
import type { FolderCheckpoint, MailboxKey } from "../transfer/state/port.js";

/**
 * Folder checkpoints remembered per instance (a few hundred bytes each); beyond this the oldest
 * accounts are forgotten, so a few huge mailboxes cannot fill the instance's memory.
 */
const REMEMBERED_FOLDERS = 200_000;

interface Entry {
  readonly slice: string;
  readonly folders: ReadonlyMap<MailboxKey, readonly FolderCheckpoint[]>;
  readonly count: number;
}

/** One instance's memory of folder checkpoints; the composition root builds one per set of services. */
export class FolderMemory {
  private readonly entries = new Map<string, Entry>();
  private folders = 0;

  constructor(private readonly capacity = REMEMBERED_FOLDERS) {}

  /** Folder checkpoints remembered now, over every account. */
  get size(): number {
    return this.folders;
  }

  /**
   * The folders `lastSlice` left for the account, if this instance remembers them from that very
   * slice. The entry is forgotten either way: a slice that fails must not leave it behind.
   */
  take(
    accountId: string,
    lastSlice: string | undefined,
  ): ReadonlyMap<MailboxKey, readonly FolderCheckpoint[]> | undefined {
    const entry = this.entries.get(accountId);
    this.forget(accountId);
    return entry !== undefined && lastSlice !== undefined && entry.slice === lastSlice
      ? entry.folders
      : undefined;
  }

  /** Remembers what `slice` left, once its account write (naming the slice) has succeeded. */
  keep(
    accountId: string,
    slice: string,
    folders: ReadonlyMap<MailboxKey, readonly FolderCheckpoint[]>,
  ): void {
    this.forget(accountId);
    const count = [...folders.values()].reduce((sum, list) => sum + list.length, 0);
    if (folders.size === 0 || count > this.capacity) return;
    this.entries.set(accountId, { slice, folders, count });
    this.folders += count;
    for (const oldest of this.entries.keys()) {
      if (this.folders <= this.capacity) break;
      this.forget(oldest);
    }
  }

  forget(accountId: string): void {
    const entry = this.entries.get(accountId);
    if (entry === undefined) return;
    this.entries.delete(accountId);
    this.folders -= entry.count;
  }
}
