/**
 * Every app setting mailferry or the Functions host reads on its behalf, with where it belongs.
 * The infrastructure drift test compares this list with the function app's settings in the Bicep
 * templates, and the catalog test compares it with the names the config modules read, so a new
 * setting cannot reach production unset and a local-only one cannot leak into Azure.
 */

/** The config area a setting belongs to. */
export type SettingSection =
  | "serviceBus"
  | "tables"
  | "graph"
  | "exchange"
  | "pipeline"
  | "schedule"
  | "alerts"
  | "telemetry"
  | "identity"
  | "host";

/**
 * Where a setting belongs:
 * - `azure`: must be set on the function app in Azure;
 * - `optional`: may be set anywhere; absent means a default or "off";
 * - `local`: only for the embedded stack; must never be set in Azure.
 */
export type SettingUse = "azure" | "optional" | "local";

/** Who reads the setting: mailferry's code, or the Azure Functions host (triggers, storage, telemetry). */
export type SettingReader = "app" | "functions-host";

export interface SettingDefinition {
  readonly name: string;
  readonly section: SettingSection;
  readonly use: SettingUse;
  readonly readBy: SettingReader;
  /** In Azure the value comes from Key Vault (an `@Microsoft.KeyVault(...)` reference), never plain text. */
  readonly secret?: boolean;
  /** In Azure at least one setting of the same group must be set (e.g. a client secret or a certificate). */
  readonly oneOfGroup?: string;
  /** Reserved for a module that does not read it yet; the templates may already set it. */
  readonly planned?: boolean;
  readonly description: string;
}

const graphApp = (side: "SOURCE" | "TARGET"): SettingDefinition[] => {
  const tenant = side === "SOURCE" ? "the tenant mailboxes are exported from" : "the tenant they move into";
  return [
    {
      name: `GRAPH_${side}_TENANT_ID`,
      section: "graph",
      use: "azure",
      readBy: "app",
      description: `Entra tenant id (or primary domain) of ${tenant}.`,
    },
    {
      name: `GRAPH_${side}_CLIENT_ID`,
      section: "graph",
      use: "azure",
      readBy: "app",
      description: `Application (client) id of the app registration in ${tenant}.`,
    },
    {
      name: `GRAPH_${side}_CLIENT_SECRET`,
      section: "graph",
      use: "optional",
      readBy: "app",
      secret: true,
      oneOfGroup: `graph-${side.toLowerCase()}-credential`,
      description: `Client secret of that app registration; a Key Vault reference in Azure.`,
    },
    {
      name: `GRAPH_${side}_CERTIFICATE_PATH`,
      section: "graph",
      use: "optional",
      readBy: "app",
      oneOfGroup: `graph-${side.toLowerCase()}-credential`,
      description: `Path of a PEM file with that app's certificate and private key, instead of a secret.`,
    },
  ];
};

/** The catalog, grouped by section. */
export const SETTINGS: readonly SettingDefinition[] = [
  // Service Bus: a connection string locally, the namespace plus the managed identity in Azure.
  {
    name: "ServiceBusConnection",
    section: "serviceBus",
    use: "local",
    readBy: "app",
    description: "Connection string (emulator or SAS). Azure disables SAS, so it must not be set there.",
  },
  {
    name: "ServiceBusConnection__fullyQualifiedNamespace",
    section: "serviceBus",
    use: "azure",
    readBy: "app",
    description: "Host name of the Service Bus namespace, e.g. contoso.servicebus.windows.net.",
  },
  {
    name: "ServiceBusConnection__credential",
    section: "serviceBus",
    use: "azure",
    readBy: "functions-host",
    description: "`managedidentity`: the Service Bus trigger signs in with the managed identity.",
  },
  {
    name: "ServiceBusConnection__clientId",
    section: "serviceBus",
    use: "azure",
    readBy: "functions-host",
    description: "Client id of the user-assigned identity the Service Bus trigger uses.",
  },
  // Table Storage.
  {
    name: "MailferryTables",
    section: "tables",
    use: "local",
    readBy: "app",
    description: "Storage connection string (Azurite). Shared keys are disabled in Azure.",
  },
  {
    name: "MailferryTables__tableServiceUri",
    section: "tables",
    use: "azure",
    readBy: "app",
    description: "Table service endpoint, e.g. https://account.table.core.windows.net/.",
  },
  {
    name: "MailferryTablePrefix",
    section: "tables",
    use: "optional",
    readBy: "app",
    description:
      "Prefix of every table name (default `mailferry`); lets several deployments share an account.",
  },
  // Identity shared by the SDK clients.
  {
    name: "AZURE_CLIENT_ID",
    section: "identity",
    use: "azure",
    readBy: "app",
    description: "Client id of the user-assigned managed identity the SDK clients sign in with.",
  },
  // Microsoft Graph.
  ...graphApp("SOURCE"),
  ...graphApp("TARGET"),
  {
    name: "GRAPH_BASE_URL",
    section: "graph",
    use: "optional",
    readBy: "app",
    description: "Graph origin (default https://graph.microsoft.com); the simulator's URL locally.",
  },
  {
    name: "GRAPH_AUTHORITY_HOST",
    section: "graph",
    use: "optional",
    readBy: "app",
    description:
      "Entra authority host for tokens (default the public cloud's); a national cloud or the simulator.",
  },
  {
    name: "GRAPH_CA_CERT_PATH",
    section: "graph",
    use: "local",
    readBy: "app",
    description: "PEM CA certificate the local Graph simulator's TLS chains to. Never needed in Azure.",
  },
  // Exchange Online's admin REST endpoint, for hybrid waves (unset: only copy waves run).
  {
    name: "EXCHANGE_TENANT_ID",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description:
      "Entra tenant id of the Exchange Online organisation hybrid waves move into; unset turns hybrid waves off.",
  },
  {
    name: "EXCHANGE_CLIENT_ID",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description:
      "Application (client) id of the app with Exchange.ManageAsApp and the Exchange role hybrid moves need.",
  },
  {
    name: "EXCHANGE_CLIENT_SECRET",
    section: "exchange",
    use: "optional",
    readBy: "app",
    secret: true,
    description:
      "Client secret of that app; a Key Vault reference in Azure (or use EXCHANGE_CERTIFICATE_PATH).",
  },
  {
    name: "EXCHANGE_CERTIFICATE_PATH",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description: "Path of a PEM file with that app's certificate and private key, instead of a secret.",
  },
  {
    name: "EXCHANGE_BASE_URL",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description:
      "Origin of the admin REST endpoint (default https://outlook.office365.com); the simulator's locally.",
  },
  {
    name: "EXCHANGE_AUTHORITY_HOST",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description:
      "Entra authority host for the Exchange app's tokens (default the public cloud's); the simulator locally.",
  },
  {
    name: "EXCHANGE_CA_CERT_PATH",
    section: "exchange",
    use: "local",
    readBy: "app",
    description: "PEM CA certificate the local Exchange simulator's TLS chains to. Never needed in Azure.",
  },
  {
    name: "EXCHANGE_MAX_CONCURRENT_REQUESTS",
    section: "exchange",
    use: "optional",
    readBy: "app",
    description:
      "Exchange requests one process keeps in flight at most (default 4): the tenant refuses more than a few at once.",
  },
  // Timer schedules, resolved by the Functions host from `%NAME%` in the function definitions.
  {
    name: "MAILFERRY_SCHEDULER_SCHEDULE",
    section: "schedule",
    use: "azure",
    readBy: "functions-host",
    description: 'NCRONTAB schedule of the scheduler function ("0 * * * * *": every minute).',
  },
  {
    name: "MAILFERRY_SWEEPER_SCHEDULE",
    section: "schedule",
    use: "azure",
    readBy: "functions-host",
    description: 'NCRONTAB schedule of the sweeper function ("30 */5 * * * *": every five minutes).',
  },
  {
    name: "MAILFERRY_WATCH_SCHEDULE",
    section: "schedule",
    use: "azure",
    readBy: "functions-host",
    description:
      'NCRONTAB schedule of the watcher that follows hybrid moves ("15 */5 * * * *": every five minutes).',
  },
  {
    name: "MAILFERRY_ALERTS_SCHEDULE",
    section: "schedule",
    use: "azure",
    readBy: "functions-host",
    description: 'NCRONTAB schedule of the alerts function ("0 */5 * * * *": every five minutes).',
  },
  // Pipeline knobs (all have production defaults).
  {
    name: "MAILFERRY_SLICE_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "How long one mover slice works before it checkpoints (default 240).",
  },
  {
    name: "MAILFERRY_LEASE_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description:
      "How long a message's claim on an account lasts unrenewed (default slice + 120); a redelivered message takes its own claim over at once.",
  },
  {
    name: "MAILFERRY_REQUEUE_AFTER_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "A Queued account without progress for this long is re-sent by the sweeper (default 900).",
  },
  {
    name: "MAILFERRY_RELEASE_MIN",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "Lowest adaptive release rate, accounts per scheduler run (default 50).",
  },
  {
    name: "MAILFERRY_RELEASE_MAX",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "Highest adaptive release rate, accounts per scheduler run (default 2000).",
  },
  {
    name: "MAILFERRY_RELEASE_STEP",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "Added to the release rate after a healthy run (default 100).",
  },
  {
    name: "MAILFERRY_UNHEALTHY_SHARE",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description:
      "Throttled or failed share of recent work above which the release rate backs off (default 0.05).",
  },
  {
    name: "MAILFERRY_GRAPH_WINDOW_SCALE",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "Scales Graph throttle windows; 1 in Azure, smaller against the simulator.",
  },
  {
    name: "MAILFERRY_PAGE_SIZE",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "Items per delta page (default 100).",
  },
  {
    name: "MAILFERRY_BAD_ITEM_SUBJECTS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description:
      "Whether bad-item records name the item's subject besides its folder, sender, received date and size (default true; false where subjects must not be kept).",
  },
  {
    name: "MAILFERRY_MAILBOX_WAIT_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description:
      "How long pre-flight waits for a licensed user's mailbox to be provisioned before failing it as MailboxNotFound (default 7200).",
  },
  {
    name: "MAILFERRY_MAILBOX_RECHECK_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "How often pre-flight looks again for a mailbox still being provisioned (default 300).",
  },
  {
    name: "MAILFERRY_HYBRID_PROGRESS_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description: "How often the watcher reads a syncing hybrid move's statistics (default 900).",
  },
  {
    name: "MAILFERRY_HYBRID_SYNCED_SECONDS",
    section: "pipeline",
    use: "optional",
    readBy: "app",
    description:
      "How often the watcher looks at synced hybrid accounts during an evening (default 900; four times as long outside).",
  },
  // Schedule.
  {
    name: "MAILFERRY_TIME_ZONE",
    section: "schedule",
    use: "optional",
    readBy: "app",
    planned: true,
    description:
      "Default time zone for new waves that name none, IANA (Europe/London) or Windows (GMT Standard Time); each wave keeps its own zone.",
  },
  {
    name: "MAILFERRY_ACCELERATED_CLOCK",
    section: "schedule",
    use: "local",
    readBy: "app",
    description:
      "JSON {factor, realStart, virtualStart}: the embedded stack runs the app and its timers on one faster clock.",
  },
  // Alerts.
  {
    name: "MAILFERRY_ALERT_WEBHOOK_URL",
    section: "alerts",
    use: "optional",
    readBy: "app",
    secret: true,
    description: "Webhook the in-app alert rules post to; a Key Vault reference in Azure.",
  },
  {
    name: "MAILFERRY_ALERT_WEBHOOK_FORMAT",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description:
      "`json` (mailferry's alert object, default) or `chat` (a `text` body Teams and Slack accept).",
  },
  {
    name: "MAILFERRY_OPS_MAIL_ADDRESS",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Mailbox that receives the in-app alert mails (needs MAILFERRY_ALERT_MAIL_FROM).",
  },
  {
    name: "MAILFERRY_ALERT_MAIL_FROM",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Licensed mailbox in the target tenant the alert mails are sent from (Graph sendMail).",
  },
  {
    name: "MAILFERRY_ALERT_WINDOW_MINUTES",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Sliding window of the failure-rate and throttling rules, in minutes (default 15).",
  },
  {
    name: "MAILFERRY_ALERT_FAILURE_PERCENT",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Failure rate per wave, in percent, above which the failure-rate rule fires (default 5).",
  },
  {
    name: "MAILFERRY_ALERT_PREFLIGHT_PERCENT",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description:
      "Share of a wave's accounts failing pre-flight, in percent, above which the pre-flight rule fires (default 20).",
  },
  {
    name: "MAILFERRY_ALERT_MIN_SAMPLE",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Fewest finished accounts in the window before the failure rate counts (default 20).",
  },
  {
    name: "MAILFERRY_ALERT_STALL_MINUTES",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Minutes without progress after which a wave with an open window is stalled (default 30).",
  },
  {
    name: "MAILFERRY_ALERT_THROTTLED_PERCENT",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description:
      "Share of Graph requests throttled, in percent, above which the throttling rule fires (default 5).",
  },
  {
    name: "MAILFERRY_ALERT_MIN_REQUESTS",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "Fewest Graph requests in the window before the throttled share counts (default 200).",
  },
  {
    name: "MAILFERRY_ALERT_MUTE_MINUTES",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description: "A rule that fired is not announced again within this many minutes (default 60).",
  },
  {
    name: "MAILFERRY_DLQ_DEPTH_SOURCE",
    section: "alerts",
    use: "optional",
    readBy: "app",
    description:
      "`admin` (Service Bus administration API), `peek` (count by peeking; the emulator) or `auto` (default: by connection kind).",
  },
  // Telemetry.
  {
    name: "MAILFERRY_LOG_LEVEL",
    section: "telemetry",
    use: "optional",
    readBy: "app",
    description: "debug, info, warn, error or off (default info); any other value stops the app at start.",
  },
  {
    name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
    section: "telemetry",
    use: "optional",
    readBy: "functions-host",
    description: "Application Insights resource the host and the app send telemetry to.",
  },
  {
    name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    section: "telemetry",
    use: "optional",
    readBy: "functions-host",
    description:
      "`ClientId=<identity>;Authorization=AAD`: Entra-authenticated ingestion (local auth is off).",
  },
  // Functions host storage and concurrency.
  {
    name: "AzureWebJobsStorage__accountName",
    section: "host",
    use: "azure",
    readBy: "functions-host",
    description: "Storage account of the Functions host (timer leases, keys), reached with the identity.",
  },
  {
    name: "AzureWebJobsStorage__credential",
    section: "host",
    use: "azure",
    readBy: "functions-host",
    description: "`managedidentity`: the host signs in to its storage with the managed identity.",
  },
  {
    name: "AzureWebJobsStorage__clientId",
    section: "host",
    use: "azure",
    readBy: "functions-host",
    description: "Client id of the user-assigned identity the host uses for its storage.",
  },
  {
    name: "AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls",
    section: "host",
    use: "optional",
    readBy: "functions-host",
    description:
      "Overrides host.json: slices one instance runs at once (the main per-instance scaling knob).",
  },
];

/** Names that must be set in Azure. */
export function requiredInAzure(catalog: readonly SettingDefinition[] = SETTINGS): string[] {
  return catalog.filter((setting) => setting.use === "azure").map((setting) => setting.name);
}

/** Groups of which at least one member must be set in Azure, keyed by group name. */
export function oneOfGroups(catalog: readonly SettingDefinition[] = SETTINGS): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const setting of catalog) {
    if (setting.oneOfGroup === undefined) continue;
    groups.set(setting.oneOfGroup, [...(groups.get(setting.oneOfGroup) ?? []), setting.name]);
  }
  return groups;
}

/** Looks a setting up by its exact name. */
export function findSetting(
  name: string,
  catalog: readonly SettingDefinition[] = SETTINGS,
): SettingDefinition | undefined {
  return catalog.find((setting) => setting.name === name);
}

/** The Azure resource a role is granted on. */
export type RoleTarget = "serviceBus" | "movesQueue" | "storage" | "keyVault" | "appInsights";

export interface RoleRequirement {
  readonly role: string;
  /** Built-in role definition id (the same in every tenant). */
  readonly roleDefinitionId: string;
  readonly target: RoleTarget;
  readonly why: string;
}

/** Roles the function app's managed identity needs, and nothing more. */
export const REQUIRED_ROLES: readonly RoleRequirement[] = [
  {
    role: "Azure Service Bus Data Sender",
    roleDefinitionId: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    target: "serviceBus",
    why: "The scheduler releases accounts, the mover schedules continuations, replay re-sends.",
  },
  {
    role: "Azure Service Bus Data Receiver",
    roleDefinitionId: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    target: "serviceBus",
    why: "The queue trigger receives moves; replay reads the dead-letter sub-queue.",
  },
  {
    role: "Azure Service Bus Data Owner",
    roleDefinitionId: "090c5cfd-751d-490a-894a-3ce6f1109419",
    target: "movesQueue",
    why: "On the moves queue only: Flex Consumption's scale controller reads its message count (the Service Bus extension's GetQueueRuntimeProperties needs Manage rights), and so do the dead-letter depths of the in-app alerts.",
  },
  {
    role: "Storage Table Data Contributor",
    roleDefinitionId: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    target: "storage",
    why: "The store creates its tables at start and reads and writes accounts, waves and audit records.",
  },
  {
    role: "Storage Blob Data Owner",
    roleDefinitionId: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    target: "storage",
    why: "The host keeps timer leases and keys in blobs; Flex Consumption reads the deployment package.",
  },
  {
    role: "Key Vault Secrets User",
    roleDefinitionId: "4633458b-17de-408a-b874-0445c86b69e6",
    target: "keyVault",
    why: "Key Vault references resolve the Graph credentials and the alert webhook.",
  },
  {
    role: "Monitoring Metrics Publisher",
    roleDefinitionId: "3913510d-42f4-4e42-8a64-420c390055eb",
    target: "appInsights",
    why: "Telemetry is ingested with Entra authentication; local authentication is disabled.",
  },
];
