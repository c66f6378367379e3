import rhea, { type Typed } from "rhea";
import type { Settlement } from "../store/queue.js";

// Descriptor codes of the AMQP 1.0 delivery states.
const ACCEPTED = 0x24;
const REJECTED = 0x25;
const RELEASED = 0x26;
const MODIFIED = 0x27;

/** Condition of a rejected disposition that asks the broker to dead-letter the message. */
export const DEAD_LETTER_CONDITION = "com.microsoft:dead-letter";

function outcome(code: number, fields: unknown[]): Typed {
  return rhea.types.described(rhea.types.wrap_ulong(code), rhea.types.wrap_list(fields)) as Typed;
}

export function acceptedOutcome(): Typed {
  return outcome(ACCEPTED, []);
}

export function releasedOutcome(): Typed {
  return outcome(RELEASED, []);
}

export function modifiedOutcome(undeliverableHere: boolean): Typed {
  return outcome(MODIFIED, [false, undeliverableHere]);
}

export function rejectedOutcome(condition: string, description: string): Typed {
  return outcome(REJECTED, [rhea.types.wrap_error({ condition, description })]);
}

function field(state: unknown, name: string): unknown {
  if (typeof state !== "object" || state === null || !(name in state)) return undefined;
  return (state as Record<string, unknown>)[name];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Buffer.isBuffer(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The event rhea raised for a client's disposition. */
export type DispositionEvent = "accepted" | "rejected" | "modified" | "released";

/**
 * Translates a client's disposition (the event and the delivery state it carried) into a settlement: accepted completes, modified abandons (or
 * defers when undeliverable-here), rejected dead-letters with the reason from the error's info.
 */
export function settlementFor(event: DispositionEvent, state: unknown): Settlement {
  switch (event) {
    case "accepted":
      return { kind: "complete" };
    case "released":
      return { kind: "release" };
    case "modified": {
      const properties = asRecord(field(state, "message_annotations"));
      const kind = field(state, "undeliverable_here") === true ? "defer" : "abandon";
      return properties ? { kind, properties } : { kind };
    }
    case "rejected": {
      const info = { ...asRecord(field(field(state, "error"), "info")) };
      const reason = asString(info.DeadLetterReason);
      const description = asString(info.DeadLetterErrorDescription);
      delete info.DeadLetterReason;
      delete info.DeadLetterErrorDescription;
      return { kind: "deadLetter", reason, description, properties: info };
    }
  }
}

/** The state the broker settles with once a disposition succeeded. */
export function confirmationFor(settlement: Settlement): Typed {
  switch (settlement.kind) {
    case "abandon":
      return modifiedOutcome(false);
    case "defer":
      return modifiedOutcome(true);
    case "release":
      return releasedOutcome();
    // A rejected state carries an error the client would raise; dead-lettering succeeded.
    case "complete":
    case "deadLetter":
      return acceptedOutcome();
  }
}
