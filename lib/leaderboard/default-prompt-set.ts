// Which prompt set the leaderboard opens on: the named (non-upload) set with the most runs.
import { listPromptSets, type PromptSetListItem } from "../prompt-sets/list-prompt-sets";

export function defaultPromptSet(): PromptSetListItem | undefined {
  const sets = listPromptSets({ includeImplicit: false }).filter((s) => s.runCount > 0);
  const all = sets.length ? sets : listPromptSets({ includeImplicit: true }).filter((s) => s.runCount > 0);
  return [...all].sort((a, b) => b.runCount - a.runCount || Number(a.isDemo) - Number(b.isDemo))[0];
}
