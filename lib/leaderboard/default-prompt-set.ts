// Which prompt set the leaderboard opens on. Stable: adding runs to other sets never changes it,
// only a set that ranks before it gaining its first run does (rule below).
import { config } from "../core/config";
import { listPromptSets, type PromptSetListItem } from "../prompt-sets/list-prompt-sets";

export type DefaultPromptSet = PromptSetListItem & { /** Why this set, for the page. */ reason: string };

/**
 * Among sets with runs: the one T2I_DEFAULT_PROMPT_SET names (latest version); else the oldest
 * named set; else the oldest upload-derived set; demo sets only when nothing else has runs.
 * Undefined when no set has runs.
 */
export function defaultPromptSet(): DefaultPromptSet | undefined {
  const sets = listPromptSets({ includeImplicit: true }).filter((s) => s.runCount > 0);
  const chosen = config().defaultPromptSet;
  if (chosen) {
    const latest = sets.filter((s) => s.name === chosen).sort((a, b) => b.version - a.version)[0];
    if (latest) return { ...latest, reason: "chosen by the server's T2I_DEFAULT_PROMPT_SET" };
  }
  const oldest = (list: PromptSetListItem[]) =>
    [...list].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0];
  const real = sets.filter((s) => !s.isDemo);
  const named = oldest(real.filter((s) => !s.isImplicit));
  if (named) return { ...named, reason: "the oldest named prompt set with runs" };
  const implicit = oldest(real.filter((s) => s.isImplicit));
  if (implicit) return { ...implicit, reason: "no named prompt set has runs; the oldest set made from an upload" };
  const demo = oldest(sets);
  return demo && { ...demo, reason: "only demo data has runs" };
}
