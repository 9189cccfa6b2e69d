// What the service says after `npm run fetch-model` installed a new evaluator: how many scored
// runs lack its scores, and the command that re-scores them (start-up log, health, page banner).
import { serviceEvaluatorIdentity } from "../scoring/service-evaluator";
import { countRunsLackingScores } from "./rescore-run";

export const RESCORE_ALL_COMMAND = "npm run runs -- rescore --all";

export type RescoreHint = { evaluator: string; runsLackingScores: number; command: string | null };

/** Reads the service evaluator's identity (no model is loaded). `command` is null when nothing lacks its scores. */
export async function rescoreHint(): Promise<RescoreHint> {
  const evaluator = (await serviceEvaluatorIdentity()).id;
  const n = countRunsLackingScores(evaluator);
  return { evaluator, runsLackingScores: n, command: n > 0 ? RESCORE_ALL_COMMAND : null };
}

/** One line for logs and banners, or undefined when every scored run has the evaluator's scores. */
export function rescoreHintLine(h: RescoreHint): string | undefined {
  if (h.runsLackingScores === 0) return undefined;
  const runs = h.runsLackingScores === 1 ? "1 scored run lacks" : `${h.runsLackingScores} scored runs lack`;
  return `${runs} scores from the installed evaluator ${h.evaluator}; re-score with: ${h.command}`;
}
