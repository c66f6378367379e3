import { ValidationError } from "../errors.js";
import {
  accountIdFromUpn,
  checkPriority,
  checkUpn,
  type ImportedAccount,
  isWaveId,
  type Identity,
} from "../domain/index.js";

function checkIdentity(identity: Identity, where: string): void {
  const upn = checkUpn(identity.upn);
  if (!upn.ok) throw new ValidationError(`${where}.upn`, `${JSON.stringify(identity.upn)} ${upn.reason}`);
  if (upn.upn !== identity.upn) throw new ValidationError(`${where}.upn`, "must be trimmed");
}

/**
 * Guards the store against rows the import use-case should already have rejected: a store is
 * shared by many callers and must not hold a malformed key or a duplicate within one batch.
 * Returns the account ids in input order.
 */
export function checkImportBatch(accounts: readonly ImportedAccount[]): string[] {
  const seen = new Set<string>();
  return accounts.map((account, index) => {
    const where = `accounts[${index}]`;
    checkIdentity(account.source, `${where}.source`);
    checkIdentity(account.target, `${where}.target`);
    if (!isWaveId(account.waveId)) throw new ValidationError(`${where}.waveId`, "is not a wave id");
    checkPriority(account.priority, `${where}.priority`);
    const id = accountIdFromUpn(account.source.upn);
    if (seen.has(id)) throw new ValidationError(where, `account ${id} appears twice in one batch`);
    seen.add(id);
    return id;
  });
}
