import type { Command } from "commander";
import { actionsQuery } from "../../shared/admin/requests.js";
import { table, when } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

/** `mailferry actions [--limit N] [--json]`: who changed what, newest first. */
export function registerActionsCommand(program: Command): void {
  program
    .command("actions")
    .description(
      "the operator actions log: retries, replays, purges, wave changes and account completions, newest first",
    )
    .option("--limit <n>", "how many (1-500, default 50)")
    .option("--json", "print JSON")
    .action((options: { limit?: string; json?: boolean }) =>
      guarded(async () => {
        const { limit } = parseOptions(actionsQuery, { limit: options.limit });
        await withPorts(async (ports) => {
          const actions = await ports.operatorActions.list(limit ?? 50);
          output(options.json, { actions }, () =>
            actions.length === 0
              ? "no operator actions recorded yet"
              : table([
                  ["AT", "ACTOR", "ACTION", "TARGET", "COUNT", "OUTCOME", "FILTER"],
                  ...actions.map((action) => [
                    when(action.at),
                    action.actor,
                    action.action,
                    action.target,
                    action.count,
                    action.outcome,
                    JSON.stringify(action.filter),
                  ]),
                ]),
          );
        });
      }),
    );
}
