import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { AppLocation } from "../../local/host/index.js";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { EXIT, printJsonLine, waitForStopSignal } from "./output.js";

/** The app roles a development sign-in may carry, by the names operators use. */
const SIGN_IN_ROLES: Readonly<Record<string, string>> = { Operator: ROLES.operator, Reader: ROLES.reader };

/** Parses a `--sign-in`/`--role` value into the app role a development principal carries. */
export function signInRole(value: string): string {
  const role = SIGN_IN_ROLES[value];
  if (role === undefined)
    throw new InvalidArgumentError(`must be one of ${Object.keys(SIGN_IN_ROLES).join(", ")}`);
  return role;
}

interface HostCommandOptions {
  readonly app?: string;
  readonly build?: boolean;
  readonly signIn?: string;
  readonly stopGrace: number;
}

/** Seconds a stopping host lets running invocations finish before it abandons them. */
export const DEFAULT_STOP_GRACE_SECONDS = 5;

/** Parses `--stop-grace`: whole seconds from 0 to 600 (host.json's functionTimeout). */
export function stopGraceSeconds(value: string): number {
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds > 600)
    throw new InvalidArgumentError("must be a whole number of seconds from 0 to 600");
  return seconds;
}

function appLocation(
  options: HostCommandOptions,
  mailferryApp: (files: AppLocation["files"]) => AppLocation,
): AppLocation {
  const files = options.build === true ? "build" : "sources";
  return options.app === undefined ? mailferryApp(files) : { directory: resolve(options.app), files };
}

/**
 * `mailferry emulate host`: only the local Functions host, loading the function app as the Azure
 * Functions worker does and running it against the services its app settings (the environment)
 * name — e.g. those `mailferry emulate stack` printed. Killing and restarting it is how a
 * crashed Functions instance is reproduced; `--app <package> --build` runs a deployment package.
 */
export function addEmulateHostCommand(emulate: Command): void {
  emulate
    .command("host")
    .description("run the local Functions host with the function app, configured from the environment")
    .option("--app <directory>", "the function app's package (default: this repository)")
    .option("--build", "load the files package.json main names (the build), not their TypeScript sources")
    .option(
      "--sign-in <role>",
      "play App Service authentication, signing callers without a principal in with this role (Operator or Reader)",
      signInRole,
    )
    .option(
      "--stop-grace <seconds>",
      "on SIGTERM or Ctrl-C, how long running invocations may finish before their messages are abandoned",
      stopGraceSeconds,
      DEFAULT_STOP_GRACE_SECONDS,
    )
    .option("--json", "print the ready line as JSON (the default and only form)")
    .action(async (options: HostCommandOptions) => {
      const [{ LocalHost, mailferryApp }, { createLogger }] = await Promise.all([
        import("../../local/host/index.js"),
        import("../../shared/telemetry/logger.js"),
      ]);
      const logger = createLogger({ fields: { component: "host" } });
      const host = await LocalHost.start({
        app: appLocation(options, mailferryApp),
        env: process.env,
        logger,
        stopGraceMs: options.stopGrace * 1000,
        ...(options.signIn !== undefined
          ? { http: { authentication: { devPrincipal: encodePrincipal("dev-user", [options.signIn]) } } }
          : {}),
      });
      printJsonLine({ ready: true, apiBaseUrl: host.apiBaseUrl ?? null, functionKey: host.functionKey });
      const signal = await waitForStopSignal();
      logger.info("stopping", { signal, graceSeconds: options.stopGrace });
      // A second signal while stopping means now.
      void waitForStopSignal().then(() => process.exit(EXIT.failure));
      await host.stop();
      // An invocation that outlived the grace period (its message already abandoned) must not keep
      // the process alive: like a Functions instance shutting down, the process ends here.
      process.exit(process.exitCode ?? EXIT.ok);
    });
}
