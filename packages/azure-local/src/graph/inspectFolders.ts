/**
 * Folder-tree comparison of the inspection: folders by their place (display names, case-insensitive,
 * with Outlook's folders by well-known name, so a German Posteingang is an English Inbox) and type.
 */
import { folderKey, folderPath, listFolders } from "./model/mailbox.js";
import type { Mailbox } from "./model/types.js";

export interface FolderMismatch {
  readonly path: string;
  readonly problem: "missingInTarget" | "extraInTarget" | "typeDiffers";
  readonly sourceType?: string;
  readonly targetType?: string;
}

/** A mailbox's folders by place (see folderKey), with the path as spelt and the folder class. */
export type FolderPaths = ReadonlyMap<string, { readonly path: string; readonly type: string }>;

/** Every folder of a mailbox by path; empty for a mailbox that does not exist. */
export function pathsOf(mailbox: Mailbox | undefined): FolderPaths {
  const paths = new Map<string, { path: string; type: string }>();
  if (!mailbox) return paths;
  // The tree under the top: search folders are outside it and are no folder to copy. Outlook's
  // own folders come first, so a folder someone made under the same English name (an "Inbox"
  // beside a German Posteingang) is the one that shows as a second, extra folder.
  const folders = listFolders(mailbox).sort(
    (a, b) => Number(b.wellKnownName !== undefined) - Number(a.wellKnownName !== undefined),
  );
  for (const folder of folders) {
    let key = folderKey(mailbox, folder.id);
    for (let copy = 2; paths.has(key); copy += 1) key = `${folderKey(mailbox, folder.id)}#${copy}`;
    paths.set(key, { path: folderPath(mailbox, folder.id), type: folder.folderClass });
  }
  return paths;
}

/**
 * Compares a target tree with what it must and may hold. Every `required` path must be there with
 * the same type; a target path outside `required` is accepted (type checked) when `allowed` has it,
 * and reported as extra otherwise. `prefix` is put before every reported path.
 */
export function compareFolders(
  required: FolderPaths,
  allowed: FolderPaths,
  target: FolderPaths,
  prefix: string,
): FolderMismatch[] {
  const mismatches: FolderMismatch[] = [];
  const typeCheck = (expected: { path: string; type: string }, found: { type: string }): void => {
    if (found.type === expected.type) return;
    mismatches.push({
      path: `${prefix}${expected.path}`,
      problem: "typeDiffers",
      sourceType: expected.type,
      targetType: found.type,
    });
  };
  for (const [key, folder] of required) {
    const copy = target.get(key);
    if (!copy) mismatches.push({ path: `${prefix}${folder.path}`, problem: "missingInTarget" });
    else typeCheck(folder, copy);
  }
  for (const [key, folder] of target) {
    if (required.has(key)) continue;
    const permitted = allowed.get(key);
    if (permitted) typeCheck(permitted, folder);
    else mismatches.push({ path: `${prefix}${folder.path}`, problem: "extraInTarget" });
  }
  return mismatches;
}
