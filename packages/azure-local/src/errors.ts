/**
 * Root of every error the emulators raise on purpose. Each emulator keeps its own `errors.ts` with
 * named subclasses; callers classify failures by `name`, and the original failure is kept as `cause`.
 */
export class AzureLocalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AzureLocalError";
  }
}

/** Narrows an unknown thrown value to an Error without losing what it was. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
