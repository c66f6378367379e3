/**
 * The app's composition root. The Azure Functions worker loads every file package.json `main`
 * names; this one installs how the services are built (from the app settings, validated here, at
 * load, so a bad setting stops the app before any function runs), starts telemetry with the app,
 * and closes the services when the worker shuts the app down. The local host loads it the same
 * way, so what runs in Azure is what runs on the embedded stack and in the tests.
 */
import functions from "@azure/functions";
import { readAppSettings } from "../shared/config/app.js";
import { checkConnections } from "../shared/runtime/connections.js";
import { createServices } from "../shared/runtime/create.js";
import { closeServices, services, useServices } from "./services.js";
import { startTelemetry } from "../shared/telemetry/export.js";
import { createLogger } from "../shared/telemetry/logger.js";

// The package is CommonJS; Node's ESM loader exposes `app` on the default export only.
const { app } = functions;

// Every setting, checked once as the app loads: a bad one fails the load with its name. On Node 20
// and later the worker then refuses to index the app and reports the error (the local host fails
// its start with the same message).
readAppSettings(process.env);

useServices(() => createServices(process.env));

app.hook.appStart(async () => {
  // Reachable, and accepting the app's credentials: a closed port or a wrong key stops the start
  // within seconds, naming the setting, instead of failing every invocation.
  // Read again here: a process that starts the app more than once (the local host in tests) sees
  // the settings of this start, not those of the first load.
  await checkConnections(readAppSettings(process.env));
  // Metrics go to Application Insights only when its connection string is set.
  await startTelemetry(process.env, createLogger({ fields: { component: "telemetry" } }));
});

app.hook.appTerminate(async () => {
  await closeServices();
});

export { app, services };
