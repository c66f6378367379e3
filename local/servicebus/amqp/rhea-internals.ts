/**
 * The few rhea fields the emulator needs that rhea's typings leave out. Everything that reaches
 * past the typings lives here, checked at run time, so a rhea upgrade breaks in one place.
 */
import type { Delivery, Sender } from "rhea";
import { ServiceBusEmulatorError } from "../errors.js";

interface CreditCounters {
  readonly credit: number;
  readonly delivery_count: number;
}

function hasCreditCounters(link: object): link is CreditCounters {
  return (
    "credit" in link &&
    "delivery_count" in link &&
    typeof link.credit === "number" &&
    typeof link.delivery_count === "number"
  );
}

/**
 * The delivery count up to which the receiver has granted credit (its last flow's delivery count
 * plus link credit). rhea moves credit into its delivery count only when it writes a transfer, so
 * `credit` alone overstates what is left while sends are queued in the same tick.
 */
export function creditLimit(sender: Sender): number {
  if (!hasCreditCounters(sender)) {
    throw new ServiceBusEmulatorError("rhea sender link has no credit counters; unsupported rhea version");
  }
  return sender.credit + sender.delivery_count;
}

/**
 * Marks a delivery the receiver will never settle again. In receiver-settle-mode `second` the
 * client settles only after we have, and never tells us; rhea would keep such deliveries in the
 * session's outgoing window until it overflows.
 */
export function forgetSettledDelivery(delivery: Delivery): void {
  const mutable: { remote_settled: boolean } = delivery;
  mutable.remote_settled = true;
}
