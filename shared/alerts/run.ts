import { QUEUES } from "../bus/topology.js";
import type { Services } from "../runtime/services.js";
import { runAlerts, type AlertRun } from "./evaluate.js";

/** One evaluation with the process's services, watching the dead letters of every queue. */
export async function runAlertsWith(services: Services, invocationId: string): Promise<AlertRun> {
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
