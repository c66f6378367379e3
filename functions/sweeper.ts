import { app, services } from "./app.js";
import { runSweeper } from "../shared/sweeper/sweeper.js";

/** Every five minutes: re-send the next slice of accounts whose message a crash lost. */
app.timer("sweeper", {
  // From app settings; Azure sets "30 */5 * * * *".
  schedule: "%MAILFERRY_SWEEPER_SCHEDULE%",
  handler: async (_timer, context) => {
    const resent = await runSweeper(await services());
    if (resent > 0) context.warn(`re-sent ${resent} stuck accounts`);
  },
});
