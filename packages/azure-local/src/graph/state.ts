/**
 * Everything a request handler may read or change: the two tenants, app registrations, tokens,
 * throttling, faults, counters and what was sent. One instance per running simulator.
 */
import type { Logger } from "../logger.js";
import type { AppDirectory } from "../authority/apps.js";
import type { TokenService } from "../authority/tokens.js";
import type { Counters } from "./counters.js";
import type { Mailbox, Tenant, TenantSide, User } from "./model/types.js";
import type { LatencyOptions, RealismOptions, ThrottleLimits } from "./options.js";
import type { SimulatedAccount } from "./seed/tenant.js";
import type { CallRecorder } from "./metadata/recorder.js";
import type { DescribedSurface } from "./metadata/surface-check.js";
import type { FaultInjector } from "./throttle/faults.js";
import type { MailboxThrottle } from "./throttle/mailboxThrottle.js";

/** A sendMail call the simulator accepted. */
export interface SentMail {
  readonly at: string;
  readonly tenantId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** Kept in memory only; never logged. */
  readonly body: string;
}

/** A message created in a mailbox and not sent yet (`POST /users/{id}/messages`). */
export interface DraftMail {
  readonly id: string;
  readonly tenantId: string;
  readonly from: string;
  /** As posted; kept in memory only, never logged. */
  readonly message: DraftMessage;
}

/** The parts of a message the simulator keeps. */
export interface DraftMessage {
  readonly subject?: string | undefined;
  readonly body?: { readonly contentType?: string | undefined; readonly content: string } | undefined;
  readonly toRecipients?: readonly Recipient[] | undefined;
  readonly ccRecipients?: readonly Recipient[] | undefined;
  readonly bccRecipients?: readonly Recipient[] | undefined;
}

interface Recipient {
  readonly emailAddress: { readonly address: string; readonly name?: string | undefined };
}

export interface SimulatorState {
  readonly baseUrl: string;
  readonly tenants: Readonly<Record<TenantSide, Tenant>>;
  readonly apps: AppDirectory;
  readonly tokens: TokenService;
  readonly throttle: MailboxThrottle;
  readonly faults: FaultInjector;
  readonly counters: Counters;
  /** Microsoft's description of the Graph surface; every request is held against it. */
  readonly surface: DescribedSurface;
  /** Every call answered, by described operation, and every call refused as undescribed. */
  readonly recorder: CallRecorder;
  readonly logger: Logger;
  readonly inventory: readonly SimulatedAccount[];
  readonly sentMail: SentMail[];
  /** Drafts by message id; sending one removes it, so a draft is sent at most once. */
  readonly drafts: Map<string, DraftMail>;
  limits: ThrottleLimits;
  latency: LatencyOptions;
  scaleWindows: number;
  tokenLifetimeSeconds: number;
  importSessionSeconds: number;
  /** What a real tenant does that the plain seed leaves out (see RealismOptions). */
  readonly realism: RealismOptions;
  /** Delta tokens handed out before this instant have expired (`mutate.expireDeltaTokens`). */
  deltaTokensExpiredBefore: number;
}

/** The tenant with this id or verified domain. */
export function tenantById(state: SimulatorState, idOrDomain: string): Tenant | undefined {
  const key = idOrDomain.toLowerCase();
  return Object.values(state.tenants).find(
    (tenant) =>
      tenant.tenantId === key || tenant.domain === key || `${tenant.domain}.onmicrosoft.com` === key,
  );
}

/** A user by object id or user principal name, within one tenant. */
export function findUser(tenant: Tenant, idOrUpn: string): User | undefined {
  return tenant.users.get(idOrUpn) ?? tenant.usersByUpn.get(idOrUpn.toLowerCase());
}

/** A user by UPN in either tenant (test helpers address both sides by UPN). */
export function findUserAnywhere(
  state: SimulatorState,
  upn: string,
): { tenant: Tenant; user: User } | undefined {
  for (const tenant of Object.values(state.tenants)) {
    const user = tenant.usersByUpn.get(upn.toLowerCase());
    if (user) return { tenant, user };
  }
  return undefined;
}

/** The mailbox holding an item, searching both tenants. */
export function mailboxOfItem(state: SimulatorState, itemId: string): Mailbox | undefined {
  for (const tenant of Object.values(state.tenants)) {
    for (const mailbox of tenant.mailboxes.values()) if (mailbox.items.has(itemId)) return mailbox;
  }
  return undefined;
}
