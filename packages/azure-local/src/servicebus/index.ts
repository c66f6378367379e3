export {
  startServiceBusEmulator,
  type ServiceBusEmulator,
  type ServiceBusEmulatorOptions,
} from "./emulator.js";
export type { QueueStats } from "./store/message.js";
export type { QueueDefinition } from "./store/queue-definition.js";
export { createSasToken, verifySasToken, type SasKey, type SasGrant } from "./auth/sas.js";
export { ServiceBusEmulatorError, AmqpRequestError, SasTokenError } from "./errors.js";
export { MAX_MESSAGE_SIZE_BYTES } from "./codec/limits.js";
