import type { Delivery, Sender, Typed } from "rhea";
import { deliveryTagFor } from "../codec/lock-token.js";
import { encodeStoredMessage } from "../codec/outgoing.js";
import type { StoredMessage } from "../store/message.js";
import { AmqpRequestError } from "../errors.js";
import type { QueueEntity, Settlement } from "../store/queue.js";
import type { EntityDispatcher, MessageConsumer, ReceiveMode } from "./dispatcher.js";
import { confirmationFor, rejectedOutcome, settlementFor, type DispositionEvent } from "./outcomes.js";
import { answerEveryDrain, creditLimit, forgetSettledDelivery } from "./rhea-internals.js";

export const LOCK_LOST_CONDITION = "com.microsoft:message-lock-lost";
export const LOCK_LOST_DESCRIPTION =
  "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.";

/**
 * A client's receive link: takes messages from one entity while it has credit and turns the
 * client's dispositions into settlements. Credit is counted here rather than read from rhea's
 * `sendable()`, which stays true for every send queued within the same tick.
 */
export class LinkConsumer implements MessageConsumer {
  private handedOut: number;
  private readonly unsettled = new Map<Delivery, Buffer>();

  constructor(
    readonly sender: Sender,
    readonly entity: QueueEntity,
    readonly mode: ReceiveMode,
    private readonly dispatcher: EntityDispatcher,
  ) {
    this.handedOut = creditLimit(sender);
    answerEveryDrain(sender);
  }

  capacity(): number {
    return this.sender.is_open() ? creditLimit(this.sender) - this.handedOut : 0;
  }

  deliver(message: StoredMessage): void {
    const lock = message.lock;
    const payload = encodeStoredMessage(message, { lockedUntil: lock?.until });
    const delivery = this.sender.send(payload, lock ? deliveryTagFor(lock.token) : undefined, 0);
    this.handedOut += 1;
    if (lock && this.mode === "peekLock") this.unsettled.set(delivery, lock.token);
  }

  /**
   * Answers a drain request, always: hands over what the credit left allows, then flows back the
   * drain with the rest of the credit used up. A drain can arrive after the last credit was spent
   * (the client's wait ended while deliveries were on their way); it is answered all the same, or
   * the client would wait out its drain timeout and rebuild the link.
   */
  drain(): void {
    if (!this.sender.is_open()) return;
    const left = this.capacity();
    if (left > 0) this.dispatcher.serve(this, left);
    this.handedOut = creditLimit(this.sender);
    this.sender.set_drained(true);
  }

  /**
   * Settles the message behind `delivery` as the client asked, or answers why not: the lock is
   * lost, or Service Bus refuses that settlement.
   */
  onDisposition(event: DispositionEvent, delivery: Delivery): void {
    const lockToken = this.unsettled.get(delivery);
    if (!lockToken) return;
    this.unsettled.delete(delivery);
    const settlement = settlementFor(event, delivery.remote_state);
    delivery.update(true, this.settle(lockToken, settlement));
    forgetSettledDelivery(delivery);
  }

  private settle(lockToken: Buffer, settlement: Settlement): Typed {
    try {
      return this.entity.settle(lockToken, settlement)
        ? confirmationFor(settlement)
        : rejectedOutcome(LOCK_LOST_CONDITION, LOCK_LOST_DESCRIPTION);
    } catch (error) {
      if (!(error instanceof AmqpRequestError)) throw error;
      return rejectedOutcome(error.condition, error.message);
    }
  }

  /** Forgets the link; its messages stay locked until they are settled by token or the lock expires. */
  close(): void {
    this.unsettled.clear();
    this.dispatcher.remove(this);
  }
}
