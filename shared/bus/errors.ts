import { MailferryError } from "../errors.js";

/** A message on a mailferry queue does not match any version of its schema. */
export class MalformedMessageError extends MailferryError {
  constructor(
    readonly queue: string,
    readonly reason: string,
  ) {
    super(`malformed message on ${queue}: ${reason}`);
    this.name = "MalformedMessageError";
  }
}
