/**
 * The Exchange Online simulator: an HTTPS stand-in for Exchange Online's admin REST endpoint and
 * its Entra-shaped token authority, with a hybrid organisation behind it (on-premises mailboxes,
 * the mail users Entra Connect made of them, migration endpoints, batches and MRS moves that run
 * in simulated time). It refuses cmdlets and parameters Microsoft's reference pages do not list for
 * Exchange Online, and it can be inspected to verify what a migration left behind.
 */
import { z } from "zod";
import { AppDirectory, type AppRegistration, newClientSecret } from "../authority/apps.js";
import { createAppCertificate } from "../authority/certificates.js";
import { startTlsServer } from "../authority/server.js";
import { TokenService } from "../authority/tokens.js";
import { Random } from "../graph/random.js";
import { type Logger, silentLogger } from "../logger.js";
import type { OnPremAdministrator } from "./cmdlets/index.js";
import { ExchangeSimulatorInputError } from "./errors.js";
import { type AccountInspection, type ExpectedMove, inspectAccount } from "./inspect.js";
import { type Endpoint, type MoveStatus, ZERO_GUID } from "./model.js";
import { MailboxReplicationService, type SlotUsage } from "./mrs.js";
import {
  checkFaults,
  checkMrs,
  checkOrganisation,
  DEFAULT_FAULTS,
  DEFAULT_MRS,
  DEFAULT_ORGANISATION,
  type HttpFaultOptions,
  type MrsOptions,
  type OrganisationOptions,
} from "./options.js";
import { type HybridAccount, hybridInventory, seedOrganisation } from "./seed.js";
import {
  createRequestHandler,
  emptyCounters,
  type ExchangeCounters,
  MANAGE_AS_APP,
  type ServerState,
} from "./server.js";

export type { AccountInspection, ExpectedMove } from "./inspect.js";
export type { ExchangeCounters } from "./server.js";
export type { HybridAccount } from "./seed.js";
export type { SlotUsage } from "./mrs.js";
export type { DataConsistencyScore, HttpFaultOptions, MrsOptions, OrganisationOptions } from "./options.js";
export { CONCURRENCY_REFUSAL } from "./server.js";

/** The audience of Exchange Online's admin API tokens. */
export const EXCHANGE_AUDIENCE = "https://outlook.office365.com";

export interface SimulatedClock {
  now(): Date;
}

export interface ExchangeSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly organisation?: Partial<OrganisationOptions>;
  readonly mrs?: Partial<MrsOptions>;
  readonly faults?: Partial<HttpFaultOptions>;
  /** Simulated time (default: the wall clock). */
  readonly clock?: SimulatedClock;
  /** A migration endpoint an administrator already created (tests); none by default. */
  readonly endpoint?: {
    readonly name: string;
    readonly maxConcurrentMigrations?: number;
    readonly maxConcurrentIncrementalSyncs?: number;
  };
  readonly tokenLifetimeSeconds?: number;
  readonly logger?: Logger;
}

export interface MoveSummary {
  readonly email: string;
  readonly batch: string;
  readonly status: MoveStatus;
  readonly statusDetail: string;
}

export interface ExchangeSimulator {
  readonly baseUrl: string;
  readonly authorityHost: string;
  readonly caCertPath: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM with the app's certificate and key, for certificate credentials. */
  readonly certificatePath: string;
  readonly domain: string;
  /** The tenant's routing domain, what onboarding batches name as -TargetDeliveryDomain. */
  readonly targetDeliveryDomain: string;
  /** The on-premises MRS proxy and the administrator a migration endpoint must present. */
  readonly administrator: OnPremAdministrator;
  inventory(): readonly HybridAccount[];
  inspect(upn: string, expect: ExpectedMove): AccountInspection;
  moves(): readonly MoveSummary[];
  counters(): ExchangeCounters;
  resetCounters(): void;
  /** How full each endpoint's slots were kept, and when moves completed. */
  usage(): { readonly slots: readonly SlotUsage[]; readonly completions: readonly number[] };
  setFaults(faults: Partial<HttpFaultOptions>): void;
  setMrs(options: Partial<MrsOptions>): void;
  setSourceReachable(reachable: boolean): void;
  /** What Entra Connect does once an administrator fixes the on-premises attributes: the mail user is right. */
  fixRecipient(upn: string): void;
  /** Stalls a running move (StalledDueToTarget_*) for `ms` of simulated time. */
  stall(upn: string, detail: string, ms: number): void;
  /** Registers another app in the tenant with exactly these roles. */
  registerApp(roles: readonly string[]): { clientId: string; clientSecret: string };
  /** The app settings pointing mailferry at this simulator. */
  settings(): Record<string, string>;
  close(): Promise<void>;
}

const controlSchemas = {
  inspect: z.object({
    accounts: z.array(
      z.object({
        upn: z.string(),
        expect: z.enum(["PrimaryAndArchive", "PrimaryOnly", "ArchiveOnly", "none"]),
      }),
    ),
  }),
  faults: z
    .object({
      status500Rate: z.number(),
      status503Rate: z.number(),
      throttleRate: z.number(),
      retryAfterSeconds: z.number(),
      concurrentRequestsPerTenant: z.number(),
      latencyMs: z.number(),
    })
    .partial()
    .strict(),
  source: z.object({ reachable: z.boolean() }),
  fix: z.object({ upn: z.string() }),
  stall: z.object({ upn: z.string(), detail: z.string(), ms: z.number().positive() }),
};

/** Starts the simulator; resolves once it listens. */
export async function startExchangeSimulator(
  options: ExchangeSimulatorOptions = {},
): Promise<ExchangeSimulator> {
  const organisationOptions: OrganisationOptions = { ...DEFAULT_ORGANISATION, ...options.organisation };
  checkOrganisation(organisationOptions);
  let mrsOptions: MrsOptions = { ...DEFAULT_MRS, ...options.mrs };
  checkMrs(mrsOptions);
  const faults: HttpFaultOptions = { ...DEFAULT_FAULTS, ...options.faults };
  checkFaults(faults);
  const logger = (options.logger ?? silentLogger).child({ component: "exchange-simulator" });
  const clock: SimulatedClock = options.clock ?? { now: () => new Date() };
  const org = seedOrganisation(organisationOptions);
  const random = new Random(organisationOptions.seed).fork("exchange-runtime");
  const mrs = new MailboxReplicationService(org, mrsOptions, random.fork("mrs"), clock.now().getTime());
  const host = options.host ?? "127.0.0.1";

  const [front, appCertificate] = await Promise.all([
    startTlsServer({
      host,
      ...(options.port === undefined ? {} : { port: options.port }),
      folderPrefix: "mailferry-exchange-",
    }),
    createAppCertificate("mailferry Exchange admin app"),
  ]);
  const { server, baseUrl, caCertPath } = front;
  const certificatePath = front.writeCredential("app.pem", appCertificate);

  const apps = new AppDirectory();
  const ids = random.fork("apps");
  const register = (roles: readonly string[], withCertificate: boolean): AppRegistration => {
    const app: AppRegistration = {
      clientId: ids.guid(),
      tenantId: org.tenantId,
      side: "target",
      displayName: "mailferry Exchange admin",
      clientSecret: newClientSecret(),
      certificate: withCertificate ? appCertificate : undefined,
      roles: [...roles],
      servicePrincipalId: ids.guid(),
    };
    apps.add(app);
    return app;
  };
  const app = register([MANAGE_AS_APP], true);
  const administrator: OnPremAdministrator = {
    userName: `${organisationOptions.domain.split(".")[0] ?? "onprem"}\\mrs-admin`,
    password: newClientSecret(),
    remoteServer: `mail.${organisationOptions.domain}`,
  };
  if (options.endpoint !== undefined) {
    const endpoint: Endpoint = {
      identity: options.endpoint.name,
      remoteServer: administrator.remoteServer,
      userName: administrator.userName,
      maxConcurrentMigrations: options.endpoint.maxConcurrentMigrations ?? 100,
      maxConcurrentIncrementalSyncs: options.endpoint.maxConcurrentIncrementalSyncs ?? 20,
      createdAt: clock.now().getTime(),
    };
    org.endpoints.set(endpoint.identity.toLowerCase(), endpoint);
  }

  const tokens = new TokenService(apps, [EXCHANGE_AUDIENCE]);
  const advance = (): void => mrs.advance(clock.now().getTime());
  const tenantPrefix = organisationOptions.domain.split(".")[0] ?? "tenant";

  const simulator: ExchangeSimulator = {
    baseUrl,
    authorityHost: baseUrl,
    caCertPath,
    tenantId: org.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    certificatePath,
    domain: org.domain,
    targetDeliveryDomain: `${tenantPrefix}.mail.onmicrosoft.com`,
    administrator,
    inventory: () => hybridInventory(org),
    inspect: (upn, expect) => {
      advance();
      return inspectAccount(org, upn, expect);
    },
    moves: () => {
      advance();
      return [...org.moves.values()].map((move) => ({
        email: move.email,
        batch: move.batch,
        status: move.status,
        statusDetail: move.statusDetail,
      }));
    },
    counters: () => structuredClone(state.counters),
    resetCounters: () => {
      state.counters = emptyCounters();
    },
    usage: () => {
      advance();
      return { slots: mrs.usage(), completions: [...mrs.completions()] };
    },
    setFaults: (changes) => {
      const next = { ...state.faults, ...changes };
      checkFaults(next);
      state.faults = next;
    },
    setMrs: (changes) => {
      const next = { ...mrsOptions, ...changes };
      checkMrs(next);
      mrsOptions = next;
      mrs.configure(next);
    },
    setSourceReachable: (reachable) => {
      advance();
      mrs.setSourceReachable(reachable);
    },
    fixRecipient: (upn) => {
      const source = org.onPrem.get(upn.toLowerCase());
      if (source === undefined) throw new ExchangeSimulatorInputError(`no on-premises user ${upn}`);
      const existing = org.cloud.get(source.upn);
      org.cloud.set(source.upn, {
        upn: source.upn,
        alias: source.alias,
        displayName: source.displayName,
        externalDirectoryObjectId: existing?.externalDirectoryObjectId ?? ids.guid(),
        exchangeGuid: source.exchangeGuid,
        archiveGuid: source.archiveGuid ?? ZERO_GUID,
        recipientTypeDetails: existing?.recipientTypeDetails ?? "MailUser",
        ...(existing?.primary !== undefined ? { primary: existing.primary } : {}),
        ...(existing?.archive !== undefined ? { archive: existing.archive } : {}),
      });
      org.planted.delete(source.upn);
    },
    stall: (upn, detail, ms) => {
      advance();
      const move = org.moves.get(upn.toLowerCase());
      if (move === undefined) throw new ExchangeSimulatorInputError(`no move for ${upn}`);
      mrs.stall(move, detail, ms);
    },
    registerApp: (roles) => {
      const registered = register(roles, false);
      return { clientId: registered.clientId, clientSecret: registered.clientSecret };
    },
    settings: () => ({
      EXCHANGE_BASE_URL: baseUrl,
      EXCHANGE_AUTHORITY_HOST: baseUrl,
      EXCHANGE_CA_CERT_PATH: caCertPath,
      EXCHANGE_TENANT_ID: org.tenantId,
      EXCHANGE_CLIENT_ID: app.clientId,
      EXCHANGE_CLIENT_SECRET: app.clientSecret,
    }),
    close: () => front.close(),
  };

  const control = (method: string, path: string, query: URLSearchParams, body: unknown): unknown => {
    const route = `${method} ${path}`;
    switch (route) {
      case "GET inventory":
        return simulator.inventory();
      case "POST inspect":
        return controlSchemas.inspect
          .parse(body)
          .accounts.map((account) => simulator.inspect(account.upn, account.expect));
      case "GET moves":
        return simulator.moves();
      case "GET counters":
        return simulator.counters();
      case "POST counters/reset":
        simulator.resetCounters();
        return {};
      case "GET usage":
        return simulator.usage();
      case "POST faults":
        simulator.setFaults(controlSchemas.faults.parse(body));
        return {};
      case "POST source":
        simulator.setSourceReachable(controlSchemas.source.parse(body).reachable);
        return {};
      case "POST fix":
        simulator.fixRecipient(controlSchemas.fix.parse(body).upn);
        return {};
      case "POST stall": {
        const stall = controlSchemas.stall.parse(body);
        simulator.stall(stall.upn, stall.detail, stall.ms);
        return {};
      }
      case "GET settings":
        return {
          ...simulator.settings(),
          administrator: simulator.administrator,
          targetDeliveryDomain: simulator.targetDeliveryDomain,
        };
      default:
        void query;
        return undefined;
    }
  };

  const state: ServerState = {
    baseUrl,
    org,
    mrs,
    apps,
    tokens,
    random: random.fork("http"),
    administrator,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    logger,
    faults,
    counters: emptyCounters(),
    inFlight: 0,
    now: () => clock.now().getTime(),
    control,
  };
  server.on("request", createRequestHandler(state));
  logger.info("exchange simulator listening", {
    baseUrl,
    tenantId: org.tenantId,
    mailboxes: org.onPrem.size,
  });
  return simulator;
}
