/** How an account's move ended, recorded for operators: the Failed transition, activity, metrics. */
import type { Account } from "../domain/index.js";
import type { MoverPorts } from "./ports.js";
import { metrics } from "../telemetry/metrics.js";

/** Records an account's end in the activity log and metrics. */
export async function recordOutcome(
  services: Pick<MoverPorts, "activity" | "now">,
  account: Account,
  kind: "completed" | "failed",
  detail: string,
): Promise<void> {
  await services.activity.record({
    id: `${account.id}:${account.attempt}:${kind}`,
    waveId: account.waveId,
    accountId: account.id,
    kind,
    at: services.now().getTime(),
    requests: 0,
    throttled: 0,
    items: 0,
    bytes: 0,
    durationMs: 0,
    detail,
  });
  metrics().accountOutcome(account.waveId, account.status);
}
