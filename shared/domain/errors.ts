import { MailferryError } from "../errors.js";

/** A status change the domain does not allow (account or wave); nothing was written. */
export class IllegalTransitionError extends MailferryError {
  readonly entity: "account" | "wave";
  readonly id: string;
  readonly from: string;
  readonly to: string;
  constructor(entity: "account" | "wave", id: string, from: string, to: string, hint?: string) {
    super(`${entity} ${id} cannot go from ${from} to ${to}${hint ? ` (${hint})` : ""}`);
    this.name = "IllegalTransitionError";
    this.entity = entity;
    this.id = id;
    this.from = from;
    this.to = to;
  }
}

/** Another worker holds a live lease on the account; it may be taken over once it expires. */
export class LeaseHeldError extends MailferryError {
  readonly accountId: string;
  readonly owner: string;
  readonly expiresAt: string;
  constructor(accountId: string, owner: string, expiresAt: string) {
    super(`account ${accountId} is leased by ${owner} until ${expiresAt}`);
    this.name = "LeaseHeldError";
    this.accountId = accountId;
    this.owner = owner;
    this.expiresAt = expiresAt;
  }
}
