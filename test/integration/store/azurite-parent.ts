/**
 * Helper for the launcher test: starts Azurite, prints its pid, and waits to be killed. Run as a
 * separate process so the test can kill it abruptly and check that Azurite goes with it.
 */
import { startAzurite } from "../../../local/azurite/index.js";

const azurite = await startAzurite();
process.stdout.write(`${JSON.stringify({ pid: azurite.pid, endpoint: azurite.tableEndpoint })}\n`);
setInterval(() => undefined, 60_000);
