import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { deadLettersOperation } from "../shared/admin/api/read.js";

/** The dead-letter queue grouped by reason, wave or account (reader). */
app.http("ops-deadletters", {
  route: `${ADMIN_ROUTE_PREFIX}/deadletters`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(deadLettersOperation),
});
