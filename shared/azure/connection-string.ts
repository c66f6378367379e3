/** Reading `Key=value;Key=value` connection strings the way the Azure SDKs do. */

/**
 * One value of a connection string, its key matched without regard to case (as the Tables SDK
 * matches them); undefined when absent.
 */
export function connectionStringValue(connectionString: string, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const part of connectionString.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim().toLowerCase() === wanted) return part.slice(at + 1).trim();
  }
  return undefined;
}
