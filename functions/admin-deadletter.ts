import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { deadLetterOperation } from "../shared/admin/api/read.js";

/** One dead-lettered message with its body (reader). */
app.http("ops-deadletter", {
  route: `${ADMIN_ROUTE_PREFIX}/deadletters/{sequenceNumber}`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(deadLetterOperation),
});
