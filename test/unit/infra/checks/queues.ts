/** queues.json against the topology, and the Bicep queue resource against queues.json. */
import type { QueueDefinition } from "../../../../shared/bus/topology.js";
import { renderQueuesDocument, type ArmQueue } from "../../../../infra/generate-queues.js";
import {
  findResources,
  parseAll,
  property,
  resolveFrom,
  resolveVar,
  textOf,
  type InfraSources,
} from "../model.js";
import { isRecord, QUEUES_JSON, type DriftProblem } from "./types.js";

/** queues.json equals the topology, and the Bicep queue resource wires every property from it. */
export function checkQueues(sources: InfraSources, queues: readonly QueueDefinition[]): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const report = (message: string): void => {
    problems.push({ check: "queues", message });
  };
  const expected = renderQueuesDocument(queues).queues;
  const text = sources.get(QUEUES_JSON);
  let committed: unknown[] = [];
  if (text === undefined) report(`${QUEUES_JSON} is missing (run npx tsx infra/generate-queues.ts)`);
  else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed) && Array.isArray(parsed.queues)) committed = parsed.queues as unknown[];
      else report(`${QUEUES_JSON} has no "queues" array`);
    } catch (error) {
      report(`${QUEUES_JSON} is not JSON: ${String(error)}`);
    }
  }
  const committedByName = new Map<string, Record<string, unknown>>();
  for (const entry of committed) {
    if (isRecord(entry) && typeof entry.name === "string") committedByName.set(entry.name, entry);
  }
  for (const queue of expected) {
    const actual = committedByName.get(queue.name);
    if (actual === undefined) {
      report(`queue ${queue.name} is in the topology but missing from ${QUEUES_JSON}`);
      continue;
    }
    for (const [key, value] of Object.entries(queue)) {
      if (JSON.stringify(actual[key]) !== JSON.stringify(value)) {
        report(
          `queue ${queue.name}: ${key} is ${JSON.stringify(actual[key])} in ${QUEUES_JSON} but ${JSON.stringify(value)} in the topology`,
        );
      }
    }
  }
  for (const name of committedByName.keys()) {
    if (!expected.some((queue) => queue.name === name))
      report(`queue ${name} in ${QUEUES_JSON} is not in the topology`);
  }
  problems.push(...checkQueueWiring(sources, expected[0]));
  return problems;
}

function checkQueueWiring(sources: InfraSources, sample: ArmQueue | undefined): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const report = (message: string): void => {
    problems.push({ check: "queues", message });
  };
  const files = parseAll(sources);
  const found = findResources(files, "Microsoft.ServiceBus/namespaces/queues");
  const queueResource = found[0];
  if (queueResource === undefined) {
    report("no Microsoft.ServiceBus/namespaces/queues resource in infra/");
    return problems;
  }
  const { path, file, statement } = queueResource;
  const loop = statement.value;
  if (loop?.kind !== "for") {
    report(`${path}: the queues resource must loop over the definitions loaded from ${QUEUES_JSON}`);
    return problems;
  }
  const source = resolveVar(file, { kind: "expression", text: loop.source });
  const load = /^loadJsonContent\(\s*'([^']+)'\s*(?:,\s*'\$\.queues'\s*\)|\)\.queues)$/.exec(
    textOf(source) ?? "",
  );
  if (load?.[1] === undefined || resolveFrom(path, load[1]) !== QUEUES_JSON) {
    report(`${path}: the queues loop must iterate loadJsonContent('<path to ${QUEUES_JSON}>').queues`);
  }
  const item = loop.item;
  if (textOf(property(loop, "name")) !== `${item}.name`)
    report(`${path}: queue name is not wired from ${item}.name`);
  if (sample !== undefined) {
    for (const key of Object.keys(sample)) {
      if (key === "name") continue;
      const wired = textOf(property(loop, "properties", key));
      if (wired !== `${item}.${key}`) {
        report(
          `${path}: queue property ${key} is ${wired ?? "not set"}, not wired from ${item}.${key} (${QUEUES_JSON})`,
        );
      }
    }
  }
  const namespace = findResources(files, "Microsoft.ServiceBus/namespaces")[0];
  if (textOf(property(namespace?.statement.value, "properties", "disableLocalAuth")) !== "true") {
    report("the Service Bus namespace must set disableLocalAuth: true (SAS keys off)");
  }
  return problems;
}
