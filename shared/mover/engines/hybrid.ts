/** Placeholder replaced by the hybrid engine. */
import type { MoveEngine } from "../engine.js";

export const hybridEngine: MoveEngine = {
  move: () => Promise.reject(new Error("hybrid moves are not implemented yet")),
  awaitsMessage: () => true,
};
