/**
 * Why a well-formed `moves` message was dead-lettered when the broker only says it was delivered
 * too often: the account it names does not exist, or is not in the wave it names. The mover
 * refuses such a message on every delivery (the Node worker cannot dead-letter it at once with a
 * reason), so the store is asked again here and the answer becomes the reason operators see.
 */
import type { MigrationStore } from "../../store/port.js";
import { deadLetterGroupId, type DeadLetterView } from "./view.js";

export const UNKNOWN_ACCOUNT_REASON = "UnknownAccount";
export const UNKNOWN_WAVE_REASON = "UnknownWave";

/** Explains views one store read per account at most; one per listing or drain. */
export function targetDiagnosis(
  store: Pick<MigrationStore, "accounts">,
): (view: DeadLetterView) => Promise<DeadLetterView> {
  // The wave each account is in, null for none; undefined when the store could not say (an
  // outage must not fail the listing: the broker's reason is shown then).
  const waveOf = new Map<string, Promise<string | null | undefined>>();
  const lookup = (accountId: string): Promise<string | null | undefined> => {
    let found = waveOf.get(accountId);
    if (found === undefined) {
      found = store.accounts.find(accountId).then(
        (account) => account?.waveId ?? null,
        () => undefined,
      );
      waveOf.set(accountId, found);
    }
    return found;
  };
  return async (view) => {
    const move = view.move;
    if (move === undefined || view.reason !== "MaxDeliveryCountExceeded") return view;
    const waveId = await lookup(move.accountId);
    if (waveId === undefined || waveId === move.waveId) return view;
    const [reason, description] =
      waveId === null
        ? [UNKNOWN_ACCOUNT_REASON, `account ${JSON.stringify(move.accountId)} does not exist`]
        : [
            UNKNOWN_WAVE_REASON,
            `account ${JSON.stringify(move.accountId)} is in wave ${JSON.stringify(waveId)}, not in wave ${JSON.stringify(move.waveId)}`,
          ];
    return {
      ...view,
      reason,
      description,
      brokerReason: view.brokerReason ?? view.reason,
      brokerDescription: view.brokerDescription ?? view.description,
      group: deadLetterGroupId(reason, description),
    };
  };
}
