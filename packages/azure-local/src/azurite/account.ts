/**
 * The storage emulator's well-known development account. Its key is published with the emulator
 * and grants nothing outside a local emulator, so it is safe to keep in source.
 */
export const DEV_ACCOUNT_NAME = "devstoreaccount1";

/** The published key of the development account. */
export const DEV_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The connection string the storage SDKs accept for a table endpoint of the development account. */
export function devConnectionString(tableEndpoint: string): string {
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${DEV_ACCOUNT_NAME}`,
    `AccountKey=${DEV_ACCOUNT_KEY}`,
    `TableEndpoint=${tableEndpoint}`,
  ].join(";");
}
