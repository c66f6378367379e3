/** The move engine of each wave: the copy for `graph` waves, Exchange's own moves for `hybrid`. */
import type { Wave } from "../../domain/index.js";
import type { MoveEngine } from "../engine.js";
import { graphEngine } from "./graph.js";
import { hybridEngine } from "./hybrid.js";

const ENGINES: Readonly<Record<Wave["engine"], MoveEngine>> = { graph: graphEngine, hybrid: hybridEngine };

/** The engine a wave moves its accounts with. */
export function moveEngineFor(wave: Pick<Wave, "engine">): MoveEngine {
  return ENGINES[wave.engine];
}
