/** What the drift checks report, and the paths they read. */
export interface DriftProblem {
  readonly check:
    | "queues"
    | "descriptions"
    | "parameters"
    | "appSettings"
    | "roles"
    | "functionApp"
    | "alerts";
  readonly message: string;
}

export const MAIN = "infra/main.bicep";
export const QUEUES_JSON = "infra/queues.json";
export const PARAMETERS = "infra/main.parameters.json";

/** Narrows parsed JSON to an object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
