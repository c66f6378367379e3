import { defineHttp, register } from "./definition.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { deadLetterOperation } from "../shared/admin/api/read.js";

/** One dead-lettered message with its body (reader). */
export const adminDeadLetterFunction = register(
  defineHttp("ops-deadletter", {
    route: `${ADMIN_ROUTE_PREFIX}/deadletters/{sequenceNumber}`,
    methods: ["GET"],
    authLevel: "function",
    handler: adminHandler(deadLetterOperation),
  }),
);
