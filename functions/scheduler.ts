import { app, services } from "./app.js";
import { runScheduler } from "../shared/scheduler/scheduler.js";

/** Every minute: release the next accounts of every Active wave whose window is open. */
app.timer("scheduler", {
  // From app settings, so a demo can run it every few seconds; Azure sets "0 * * * * *".
  schedule: "%MAILFERRY_SCHEDULER_SCHEDULE%",
  handler: async (_timer, context) => {
    const released = await runScheduler(await services(), context.invocationId);
    context.log(`released ${released.reduce((sum, wave) => sum + wave.released, 0)} accounts`);
  },
});
