import type { Sender } from "rhea";
import type { SasGrant } from "../auth/sas.js";
import { scopeCovers } from "./address.js";
import type { LinkConsumer } from "./consumer.js";

/** What the emulator remembers about one client connection. */
export class ConnectionState {
  // Expiry per granted scope; a renewed token replaces the grant it renews.
  private readonly grants = new Map<string, number>();
  private readonly replyLinks = new Map<string, Sender>();
  /** Receive links of this connection, so they can be dropped when it goes away. */
  readonly consumers = new Set<LinkConsumer>();

  constructor(readonly id: string) {}

  /** Records a token accepted on `$cbs`. */
  grant(grant: SasGrant): void {
    const scope = grant.scope.toLowerCase();
    this.grants.set(scope, Math.max(grant.expiresAt, this.grants.get(scope) ?? 0));
  }

  /** Whether an unexpired token covers `path`. */
  isAuthorized(path: string, now: number): boolean {
    for (const [scope, expiresAt] of this.grants) {
      if (expiresAt > now && scopeCovers(scope, path)) return true;
    }
    return false;
  }

  /**
   * Remembers a link responses can be sent on. Requests name it in `reply_to`: the CBS client uses
   * the link name, the management client the link's target address.
   */
  addReplyLink(sender: Sender): void {
    this.replyLinks.set(sender.name, sender);
    const address = sender.target?.address;
    if (typeof address === "string") this.replyLinks.set(address, sender);
  }

  removeReplyLink(sender: Sender): void {
    for (const [key, link] of this.replyLinks) if (link === sender) this.replyLinks.delete(key);
  }

  replyLink(replyTo: string): Sender | undefined {
    return this.replyLinks.get(replyTo);
  }
}
