/**
 * The Graph tenant simulator: an HTTPS stand-in for Microsoft Graph and Entra ID with two seeded
 * tenants (source and target), faithful where a migration depends on it: URLs and JSON shapes,
 * client-credential tokens, application permissions, the mailbox import/export API with delta,
 * Outlook's throttling limits, injected faults, and an inspection of what was copied.
 */
import {
  AppDirectory,
  type AppRegistration,
  SOURCE_APP_ROLES,
  TARGET_APP_ROLES,
  newClientSecret,
} from "../authority/apps.js";
import { type AppCertificate, createAppCertificate } from "../authority/certificates.js";
import { startTlsServer } from "../authority/server.js";
import { TokenService } from "../authority/tokens.js";
import { type Logger, silentLogger } from "../logger.js";
import { Counters, type SimulatorCounters, computeCeiling } from "./counters.js";
import { SimulatorInputError } from "./errors.js";
import { Router } from "./http/router.js";
import { createRequestHandler } from "./http/server.js";
import { type InspectOptions, type InspectionReport, inspectMigration } from "./inspect.js";
import { graphDescription } from "./metadata/description.js";
import { type CallRecord, CallRecorder } from "./metadata/recorder.js";
import { DescribedSurface } from "./metadata/surface-check.js";
import { type MailboxMutations, createMutations } from "./mutate.js";
import type { TenantSide } from "./model/types.js";
import {
  type FaultOptions,
  type LatencyOptions,
  NO_FAULTS,
  NO_LATENCY,
  NO_REALISM,
  PUBLISHED_LIMITS,
  type RealismOptions,
  type ThrottleLimits,
  checkLimits,
  checkRates,
  scaleWindows,
} from "./options.js";
import { Random } from "./random.js";
import type { AdminControls } from "./routes/admin.js";
import { batchRoutes } from "./routes/batch.js";
import { importSessionRoutes } from "./routes/imports.js";
import { itemRoutes } from "./routes/mailboxItems.js";
import { folderRoutes } from "./routes/mailboxFolders.js";
import { sendMailRoutes } from "./routes/sendMail.js";
import { userRoutes } from "./routes/users.js";
import { type SimulatedAccount, seedWorld } from "./seed/tenant.js";
import type { SentMail, SimulatorState } from "./state.js";
import { FaultInjector } from "./throttle/faults.js";
import { MailboxThrottle } from "./throttle/mailboxThrottle.js";

export type { FaultOptions, LatencyOptions, ThrottleLimits } from "./options.js";
export { PUBLISHED_LIMITS, NO_FAULTS, NO_LATENCY, NO_REALISM, REALISTIC } from "./options.js";
export type { RealismOptions } from "./options.js";
export type { AccountExpectation, SimulatedAccount } from "./seed/tenant.js";
export type { InspectionEntry, InspectionReport, InspectOptions, FolderMismatch } from "./inspect.js";
export type { Ceiling, MailboxCounters, SimulatorCounters } from "./counters.js";
export type { AddItemOptions, MailboxMutations } from "./mutate.js";
export type { SentMail } from "./state.js";
export type { CallRecord, RefusedCall } from "./metadata/recorder.js";
export { assertAllDescribed } from "./metadata/recorder.js";
export { GraphSimulatorError, SimulatorInputError } from "./errors.js";
export { EXCHANGE_SKU, NON_MAIL_SKU } from "./seed/tenant.js";
export { decodeExport } from "./model/exportData.js";
export { createServerCertificate } from "../authority/certificates.js";

export interface GraphSimulatorOptions {
  port?: number;
  /** Interface to bind; loopback only by default. */
  host?: string;
  seed?: number;
  /** Accounts in the inventory (default 20). */
  mailboxes?: number;
  /** Mean items per mailbox; counts and sizes follow a long tail (default 50). */
  itemsPerMailbox?: number;
  /** Multiplies the throttle window lengths: 1 = 10 min / 5 min as published; 0.01 = seconds. */
  scaleWindows?: number;
  limits?: Partial<ThrottleLimits>;
  latency?: Partial<LatencyOptions>;
  faults?: Partial<FaultOptions>;
  /** Plant missing users, unlicensed users, bad items and large items (default true). */
  plantTrouble?: boolean;
  /**
   * Give every licensed target user an in-place archive as well, as an archive age policy needs
   * (default false: only the targets of "archive" accounts have one).
   */
  archiveAllTargets?: boolean;
  /** Lifetime of access tokens in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Lifetime of import URLs in seconds (default 3600). */
  importSessionSeconds?: number;
  /**
   * What a real tenant does that a plain seed leaves out: ids that change on move, expiring delta
   * tokens, a full target mailbox, one outside the app's scope, a German target tenant,
   * auto-expanding archives, search folders, slow provisioning, and the docs' reading of folders
   * (`wellKnownName`). All off by default; `REALISTIC` turns them on.
   */
  realism?: Partial<RealismOptions>;
  logger?: Logger;
}

export interface SimulatorTenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  domain: string;
  /** PEM file with the app's certificate and private key, for certificate credentials. */
  certificatePath: string;
  /** A licensed account outside the inventory, to send notices from. */
  serviceUpn: string;
}

export interface GraphSimulator {
  /** `https://127.0.0.1:<port>`; Graph paths are `/v1.0/...` and `/beta/...`. */
  readonly baseUrl: string;
  /** `https://127.0.0.1:<port>`; tokens at `/{tenant}/oauth2/v2.0/token`. */
  readonly authorityHost: string;
  readonly caCertPem: string;
  readonly caCertPath: string;
  readonly source: SimulatorTenantCredentials;
  readonly target: SimulatorTenantCredentials;
  /** Accounts to migrate (source UPN -> target UPN) with what the seed planted. */
  inventory(): readonly SimulatedAccount[];
  /**
   * Compares a source mailbox with its target (folder tree, each item exactly once, nothing extra,
   * unaltered); `includeArchive` adds the archives, `archiveAgeMonths` expects old mail in them.
   */
  inspect(sourceUpn: string, targetUpn: string, options?: InspectOptions): InspectionReport;
  /** Per mailbox: requests, throttled, bytes uploaded; totals; the theoretical ceiling. */
  counters(): SimulatorCounters;
  resetCounters(): void;
  /** sendMail calls observed. */
  sentMail(): readonly SentMail[];
  /** Every call answered, by described operation, and every call refused as undescribed. */
  calls(): CallRecord;
  resetCalls(): void;
  setFaults(faults: Partial<FaultOptions>): void;
  setLimits(limits: Partial<ThrottleLimits>): void;
  setLatency(latency: Partial<LatencyOptions>): void;
  /** Source-side (or target-side) changes behind the API's back, for incremental-sync tests. */
  readonly mutate: MailboxMutations;
  /** Registers another app in a tenant with exactly these application permissions. */
  registerApp(side: TenantSide, roles: readonly string[]): SimulatorTenantCredentials;
  /** The settings `readGraphSettings` reads, pointing at this simulator. */
  settings(): Record<string, string>;
  close(): Promise<void>;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new SimulatorInputError(`${name} must be a ${integer ? "positive integer" : "number > 0"}`);
  }
  return value;
}

function checkLatency(latency: LatencyOptions): void {
  for (const [name, value] of Object.entries(latency)) {
    if (!Number.isFinite(value) || value < 0) throw new SimulatorInputError(`latency.${name} must be >= 0`);
  }
}

/** Day the seeded mail ends; fixed so a seed always produces the same tenant. */
const SEED_ANCHOR_MS = Date.UTC(2026, 0, 1);

/** Starts the simulator; resolves once it listens. */
export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const host = options.host ?? "127.0.0.1";
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new SimulatorInputError("seed must be an integer");
  const scale = positive("scaleWindows", options.scaleWindows ?? 1, false);
  let limits: ThrottleLimits = { ...PUBLISHED_LIMITS, ...options.limits };
  checkLimits(limits);
  const latency: LatencyOptions = { ...NO_LATENCY, ...options.latency };
  checkLatency(latency);
  const faults: FaultOptions = { ...NO_FAULTS, ...options.faults };
  checkRates(faults);
  const logger = (options.logger ?? silentLogger).child({ component: "graph-simulator" });
  const realism: RealismOptions = { ...NO_REALISM, ...options.realism };
  if (!Number.isFinite(realism.deltaTokenLifetimeSeconds) || realism.deltaTokenLifetimeSeconds < 0) {
    throw new SimulatorInputError("realism.deltaTokenLifetimeSeconds must be a number >= 0");
  }
  if (!Number.isFinite(realism.provisioningDelaySeconds) || realism.provisioningDelaySeconds < 0) {
    throw new SimulatorInputError("realism.provisioningDelaySeconds must be a number >= 0");
  }

  const world = seedWorld({
    seed,
    mailboxes: positive("mailboxes", options.mailboxes ?? 20, true),
    itemsPerMailbox: positive("itemsPerMailbox", options.itemsPerMailbox ?? 50, true),
    plantTrouble: options.plantTrouble ?? true,
    archiveAllTargets: options.archiveAllTargets ?? false,
    anchorMs: SEED_ANCHOR_MS,
    maxItemBytes: limits.maxItemBytes,
    ...(realism.localisedTarget ? { targetLocale: "de-DE" } : {}),
    realism,
    startMs: Date.now(),
  });

  const [front, sourceCertificate, targetCertificate] = await Promise.all([
    startTlsServer({
      host,
      ...(options.port === undefined ? {} : { port: options.port }),
      folderPrefix: "mailferry-graph-",
    }),
    createAppCertificate("mailferry source migration app"),
    createAppCertificate("mailferry target migration app"),
  ]);
  const { server, baseUrl, caCertPath } = front;

  const apps = new AppDirectory();
  const ids = new Random(seed).fork("apps");
  const appCertificates = new Map<string, { certificate: AppCertificate; path: string }>();
  const register = (
    side: TenantSide,
    roles: readonly string[],
    certificate: AppCertificate | undefined,
  ): AppRegistration => {
    const tenant = world[side];
    const clientId = ids.guid();
    if (certificate) {
      const path = front.writeCredential(`${side}-${clientId}.pem`, certificate);
      appCertificates.set(clientId, { certificate, path });
    }
    const app: AppRegistration = {
      clientId,
      tenantId: tenant.tenantId,
      side,
      displayName: `mailferry ${side} migration`,
      clientSecret: newClientSecret(),
      certificate,
      roles: [...roles],
      servicePrincipalId: ids.guid(),
    };
    apps.add(app);
    return app;
  };
  const sourceApp = register("source", SOURCE_APP_ROLES, sourceCertificate);
  const targetApp = register("target", TARGET_APP_ROLES, targetCertificate);

  const tokens = new TokenService(apps, [
    "https://graph.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
    baseUrl,
  ]);
  const counters = new Counters();
  const state: SimulatorState = {
    baseUrl,
    tenants: { source: world.source, target: world.target },
    apps,
    tokens,
    throttle: new MailboxThrottle(limits, scaleWindows(limits, scale)),
    faults: new FaultInjector(seed, faults),
    counters,
    surface: new DescribedSurface(graphDescription(), { wellKnownName: realism.docsReadings }),
    recorder: new CallRecorder(),
    logger,
    inventory: world.accounts,
    sentMail: [],
    drafts: new Map(),
    limits,
    latency,
    scaleWindows: scale,
    tokenLifetimeSeconds: positive("tokenLifetimeSeconds", options.tokenLifetimeSeconds ?? 3600, true),
    importSessionSeconds: positive("importSessionSeconds", options.importSessionSeconds ?? 3600, false),
    realism,
    deltaTokensExpiredBefore: 0,
  };

  const meanMovableItemBytes = (): number => {
    let count = 0;
    let bytes = 0;
    for (const mailbox of world.source.mailboxes.values()) {
      for (const item of mailbox.items.values()) {
        if (item.trouble || item.size > limits.maxItemBytes) continue;
        count += 1;
        bytes += item.size;
      }
    }
    return count === 0 ? 0 : Math.round(bytes / count);
  };

  const credentials = (app: AppRegistration): SimulatorTenantCredentials => ({
    tenantId: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    domain: world[app.side].domain,
    certificatePath: appCertificates.get(app.clientId)?.path ?? "",
    serviceUpn: world.serviceUpns[app.side],
  });

  const simulator: GraphSimulator = {
    baseUrl,
    authorityHost: baseUrl,
    caCertPem: front.caCertPem,
    caCertPath,
    source: credentials(sourceApp),
    target: credentials(targetApp),
    inventory: () => world.accounts,
    inspect: (sourceUpn, targetUpn, inspectOptions) =>
      inspectMigration(state, sourceUpn, targetUpn, inspectOptions),
    counters: () =>
      counters.snapshot(
        computeCeiling(limits, scaleWindows(limits, scale), state.latency, meanMovableItemBytes()),
      ),
    resetCounters: () => counters.reset(),
    sentMail: () => [...state.sentMail],
    calls: () => state.recorder.snapshot(),
    resetCalls: () => state.recorder.reset(),
    setFaults: (changes) => {
      const next = { ...state.faults.options, ...changes };
      checkRates(next);
      state.faults.options = next;
    },
    setLimits: (changes) => {
      const next = { ...limits, ...changes };
      checkLimits(next);
      limits = next;
      state.limits = next;
      state.throttle.configure(next, scaleWindows(next, scale));
    },
    setLatency: (changes) => {
      const next = { ...state.latency, ...changes };
      checkLatency(next);
      state.latency = next;
    },
    mutate: createMutations(state),
    registerApp: (side, roles) => credentials(register(side, roles, undefined)),
    settings: () => ({
      GRAPH_BASE_URL: baseUrl,
      GRAPH_AUTHORITY_HOST: baseUrl,
      GRAPH_CA_CERT_PATH: caCertPath,
      GRAPH_SOURCE_TENANT_ID: sourceApp.tenantId,
      GRAPH_SOURCE_CLIENT_ID: sourceApp.clientId,
      GRAPH_SOURCE_CLIENT_SECRET: sourceApp.clientSecret,
      GRAPH_TARGET_TENANT_ID: targetApp.tenantId,
      GRAPH_TARGET_CLIENT_ID: targetApp.clientId,
      GRAPH_TARGET_CLIENT_SECRET: targetApp.clientSecret,
    }),
    close: () => front.close(),
  };

  const admin: AdminControls = {
    inventory: () => simulator.inventory(),
    inspect: (sourceUpn, targetUpn, inspectOptions) =>
      simulator.inspect(sourceUpn, targetUpn, inspectOptions),
    counters: () => simulator.counters(),
    resetCounters: () => simulator.resetCounters(),
    // Mail bodies stay in memory; the admin interface shows who sent what to whom.
    sentMail: () => state.sentMail.map(({ body: _body, ...rest }) => rest),
    calls: () => simulator.calls(),
    setFaults: (changes) => simulator.setFaults(changes),
    setLimits: (changes) => simulator.setLimits(changes),
  };

  const router: Router = new Router([
    ...userRoutes,
    ...folderRoutes,
    ...itemRoutes,
    ...importSessionRoutes,
    ...sendMailRoutes,
    ...batchRoutes(() => router),
  ]);
  server.on("request", createRequestHandler(state, router, admin));
  logger.info("graph simulator listening", {
    baseUrl,
    accounts: world.accounts.length,
    sourceTenantId: world.source.tenantId,
    targetTenantId: world.target.tenantId,
  });
  return simulator;
}
