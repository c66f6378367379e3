/** The emulator package's Service Bus test harness, for the app's tests that drive the emulator. */
export * from "../../../packages/azure-local/test/integration/servicebus/harness.js";
