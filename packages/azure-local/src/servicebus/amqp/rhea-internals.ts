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

interface DrainFlowState {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain: () => boolean;
}

function hasDrainFlowState(link: object): link is DrainFlowState {
  return (
    hasCreditCounters(link) &&
    "_draining" in link &&
    "_drained" in link &&
    "_get_drain" in link &&
    typeof link._get_drain === "function"
  );
}

/**
 * Makes `sender` answer every drain (AMQP 1.0, 2.6.7): once the deliveries it could make are
 * written, its next flow carries drain=true, the delivery-count advanced over the credit left, and
 * no credit. rhea sets the drain flag only while credit is left when it writes that flow, so a
 * drain that arrives after the last credit was spent, its deliveries still on their way to the
 * client, would go unanswered, and the client would wait out its drain timeout and drop the link.
 * The flow is written after the transfers queued before it, as rhea writes a session's transfers
 * before its links' flows; a transfer held back by the client's session window would still follow
 * the flow, as it would with rhea's own drain.
 */
export function answerEveryDrain(sender: Sender): void {
  const link: object = sender;
  if (!hasDrainFlowState(link)) {
    throw new ServiceBusEmulatorError("rhea sender link has no drain state; unsupported rhea version");
  }
  link._get_drain = function answerDrain(this: DrainFlowState): boolean {
    if (!this._draining || !this._drained) return false;
    this.delivery_count += this.credit;
    this.credit = 0;
    return true;
  };
}
