import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { purgeOperation } from "../shared/admin/api/change.js";

/** Purge of dead-lettered messages, confirmed by count (operator). */
app.http("ops-purge", {
  route: `${ADMIN_ROUTE_PREFIX}/deadletters/purge`,
  methods: ["POST"],
  authLevel: "function",
  handler: adminHandler(purgeOperation),
});
