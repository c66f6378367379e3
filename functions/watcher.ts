import { app, services } from "./app.js";
import { runHybridWatch } from "../shared/mover/hybrid/watch.js";

/** Every five minutes: follow hybrid waves' moves in Exchange Online and record what they did. */
app.timer("watcher", {
  // From app settings; Azure sets "15 */5 * * * *".
  schedule: "%MAILFERRY_WATCH_SCHEDULE%",
  handler: async (_timer, context) => {
    const reports = await runHybridWatch(await services(), context.invocationId);
    const changed = reports.reduce((sum, report) => sum + report.transitions, 0);
    if (changed > 0) context.log(`recorded ${changed} transitions of hybrid moves`);
  },
});
