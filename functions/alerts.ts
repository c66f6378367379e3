import { app, services } from "./app.js";
import { runAlertsWith } from "../shared/alerts/run.js";

/** Every five minutes: evaluate the alert rules and notify on changes. */
app.timer("alerts", {
  // From app settings, so a demo can evaluate every few seconds; Azure sets "0 */5 * * * *".
  schedule: "%MAILFERRY_ALERTS_SCHEDULE%",
  handler: async (_timer, context) => {
    const run = await runAlertsWith(await services(), context.invocationId);
    const firing = run.evaluations.filter((evaluation) => evaluation.status === "firing").length;
    context.log(`evaluated ${run.evaluations.length} rules: ${firing} firing, ${run.notices.length} notices`);
  },
});
