/**
 * `mailferry endpoint create|test`: the migration endpoint hybrid waves move through. The
 * on-premises credential is asked for once, on a terminal without echo or from standard input
 * (`--password-stdin`), never as an argument that would land in shell history or a process list,
 * and goes only to New-MigrationEndpoint: from then on the endpoint holds it, mailferry does not.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { Command } from "commander";
import { RequestValidationError } from "../../shared/admin/errors.js";
import { endpointCreateBody } from "../../shared/admin/requests.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";

/** Reads all of standard input; a trailing line break is not part of the password. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(fromStdin: boolean | undefined, userName: string): Promise<string> {
  if (fromStdin === true) return readStdin();
  if (!process.stdin.isTTY)
    throw new RequestValidationError([
      {
        path: "--password-stdin",
        message: "is needed when standard input is not a terminal (the password is read from it)",
      },
    ]);
  return promptHidden(`password of ${userName} on premises: `);
}

interface CreateOptions {
  remoteServer?: string;
  username?: string;
  passwordStdin?: boolean;
  maxConcurrentMigrations?: string;
  maxConcurrentIncrementalSyncs?: string;
  json?: boolean;
}

export function registerEndpointCommands(program: Command): void {
  const endpoint = program
    .command("endpoint")
    .description("the migration endpoint hybrid waves move through");
  endpoint
    .command("create")
    .description(
      "create an ExchangeRemoteMove migration endpoint in Exchange Online (New-MigrationEndpoint), recorded",
    )
    .argument("<name>", "endpoint name, e.g. OnPremEndpoint")
    .requiredOption("--remote-server <fqdn>", "the on-premises MRS proxy's host name, e.g. mail.contoso.com")
    .requiredOption(
      "--username <user>",
      "the on-premises account the endpoint authenticates as, e.g. CONTOSO\\mrs-admin",
    )
    .option("--password-stdin", "read the password from standard input instead of asking for it")
    .option("--max-concurrent-migrations <n>", "MaxConcurrentMigrations (Exchange's default 100)")
    .option("--max-concurrent-incremental-syncs <n>", "MaxConcurrentIncrementalSyncs (Exchange's default 20)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nThe password is asked for (without echo) or read from standard input, passed once to New-MigrationEndpoint and\nnever stored or logged by mailferry. Exit codes: 0 created, 1 refused by Exchange, 2 invalid options or settings.",
    )
    .action((name: string, options: CreateOptions) =>
      guarded(async () => {
        const body = parseOptions(
          endpointCreateBody,
          {
            name,
            remoteServer: options.remoteServer,
            userName: options.username,
            maxConcurrentMigrations: options.maxConcurrentMigrations,
            maxConcurrentIncrementalSyncs: options.maxConcurrentIncrementalSyncs,
          },
          { name: "<name>", userName: "--username" },
        );
        const { createEndpoint, requireExchange } = await import("../../shared/admin/hybrid.js");
        await withPorts(async (ports) => {
          requireExchange(ports);
          const password = await readPassword(options.passwordStdin, body.userName);
          if (password === "")
            throw new RequestValidationError([{ path: "password", message: "must not be empty" }]);
          const created = await createEndpoint(ports, { ...body, password }, cliOperator());
          output(
            options.json,
            created,
            () =>
              `created migration endpoint ${created.endpoint.identity} (MaxConcurrentMigrations ${created.endpoint.maxConcurrentMigrations}, MaxConcurrentIncrementalSyncs ${created.endpoint.maxConcurrentIncrementalSyncs}; action ${created.actionId})`,
          );
        });
      }),
    );
  endpoint
    .command("test")
    .description("test a migration endpoint (Test-MigrationServerAvailability -Endpoint)")
    .argument("<name>", "endpoint name")
    .option("--json", "print JSON")
    .action((name: string, options: { json?: boolean }) =>
      guarded(async () => {
        const { requireExchange } = await import("../../shared/admin/hybrid.js");
        await withPorts(async (ports) => {
          const result = await requireExchange(ports).testEndpoint(name);
          output(options.json, result, () =>
            result.ok ? `endpoint ${name}: Exchange Online reaches it` : `endpoint ${name}: ${result.detail}`,
          );
          if (!result.ok) process.exitCode = 1;
        });
      }),
    );
}
