/**
 * The process's services, held by the composition root: functions/app.ts installs how they are
 * built with `useServices()`; each handler asks for them with `services()` and hands them to its
 * use case. The local stack, the demo, benches and tests read the same services, and tests may
 * wrap them. Not a function: it registers nothing with the worker.
 */
import type { Services } from "../shared/runtime/services.js";

type Factory = () => Promise<Services>;

let factory: Factory | undefined;
let current: Promise<Services> | undefined;
let decorate: ((built: Services) => Services) | undefined;

/** Installs how services are built (the production factory, the local stack, or a test). */
export function useServices(next: Factory): void {
  factory = next;
  current = undefined;
}

/** The process's services, built on first use. */
export function services(): Promise<Services> {
  if (!factory) throw new Error("no services factory installed: call useServices() at start-up");
  if (!current) {
    const wrap = decorate;
    const building = factory().then((built) => (wrap ? wrap(built) : built));
    current = building;
    // A failed start is not kept: the next invocation tries again.
    building.catch(() => {
      if (current === building) current = undefined;
    });
  }
  return current;
}

/**
 * Wraps the services the installed factory builds from now on, or stops wrapping them
 * (undefined). Tests inject faults this way; the factory, and so how the app starts, stays the
 * app's own.
 */
export function decorateServices(wrap: ((built: Services) => Services) | undefined): void {
  decorate = wrap;
  current = undefined;
}

/** Closes the services if they were built, so the next call builds them again. */
export async function closeServices(): Promise<void> {
  const built = current;
  current = undefined;
  if (built) await (await built).close();
}
