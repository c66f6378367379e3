import { QUEUES } from "../bus/topology.js";
import type { AlertPorts } from "./create.js";
import { runAlerts, type AlertDeps, type AlertRun } from "./evaluate.js";

/** What one evaluation with the app's connections works with: the alerting ports come on first use. */
export interface AlertRunPorts extends Pick<AlertDeps, "store" | "activity" | "releases" | "logger" | "now"> {
  alerts(): Promise<Pick<AlertPorts, "settings" | "states" | "depths" | "notifier">>;
}

/** One evaluation with the process's services, watching the dead letters of every queue. */
export async function runAlertsWith(services: AlertRunPorts, invocationId: string): Promise<AlertRun> {
  const ports = await services.alerts();
  return runAlerts({
    store: services.store,
    activity: services.activity,
    releases: services.releases,
    states: ports.states,
    depths: ports.depths,
    notifier: ports.notifier,
    settings: ports.settings,
    queues: QUEUES.map((queue) => queue.name),
    logger: services.logger.child({ component: "alerts", invocationId }),
    now: () => services.now(),
  });
}
