import { app, services } from "./app.js";
import { MOVES_QUEUE } from "../shared/bus/topology.js";
import { runMove } from "../shared/mover/mover.js";

/**
 * One slice of one account's move per message. Returning completes the message; throwing
 * abandons it, so the queue's maxDeliveryCount dead-letters a message that keeps failing.
 */
app.serviceBusQueue("mover", {
  connection: "ServiceBusConnection",
  queueName: MOVES_QUEUE.name,
  handler: async (message, context) => {
    const deliveryCount = Number(context.triggerMetadata?.deliveryCount ?? 1);
    await runMove(await services(), message, { invocationId: context.invocationId, deliveryCount });
  },
});
