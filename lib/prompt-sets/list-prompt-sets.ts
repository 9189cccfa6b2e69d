// Prompt sets with their prompt and run counts and a readable label; upload-derived sets only on request.
import { asc, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { promptSets, type PromptSetRow } from "../../db/schema";
import { IMPLICIT_PREFIX } from "./create-prompt-set";

export type PromptSetListItem = PromptSetRow & {
  promptCount: number;
  runCount: number;
  /** How pickers show the set: its name, or for an upload-derived set still called upload-…, its first variant and prompt. */
  label: string;
};

/** `glide: “a red square” + 7 more` for a set still named upload-<variant>-<hash>; the name itself once it has a given one. */
export function promptSetLabel(s: {
  name: string;
  isImplicit: boolean;
  promptCount: number;
  firstPrompt: string | null;
  firstVariant: string | null;
}): string {
  if (!s.isImplicit || !s.name.startsWith(IMPLICIT_PREFIX) || s.firstPrompt === null) return s.name;
  const first = s.firstPrompt.length > 40 ? `${s.firstPrompt.slice(0, 39).trimEnd()}…` : s.firstPrompt;
  const more = s.promptCount > 1 ? ` + ${s.promptCount - 1} more` : "";
  return `${s.firstVariant ? `${s.firstVariant}: ` : ""}“${first}”${more} (uploaded prompts)`;
}

export function listPromptSets(opts: { includeImplicit?: boolean } = {}): PromptSetListItem[] {
  // Written out: drizzle renders a column of the single outer table unqualified, which inside
  // the subquery would bind to the subquery's own table.
  const promptCount = sql<number>`(select count(*) from prompts p where p.prompt_set_id = prompt_sets.id)`;
  const runCount = sql<number>`(select count(*) from runs r where r.prompt_set_id = prompt_sets.id)`;
  const firstPrompt = sql<
    string | null
  >`(select p.text from prompts p where p.prompt_set_id = prompt_sets.id order by p.position limit 1)`;
  const firstVariant = sql<
    string | null
  >`(select v.name from runs r join variants v on v.id = r.variant_id where r.prompt_set_id = prompt_sets.id order by r.created_at, r.id limit 1)`;
  return getDb()
    .select({
      id: promptSets.id,
      name: promptSets.name,
      version: promptSets.version,
      description: promptSets.description,
      isImplicit: promptSets.isImplicit,
      isDemo: promptSets.isDemo,
      apiKeyId: promptSets.apiKeyId,
      createdAt: promptSets.createdAt,
      promptCount,
      runCount,
      firstPrompt,
      firstVariant,
    })
    .from(promptSets)
    .where(opts.includeImplicit ? undefined : eq(promptSets.isImplicit, false))
    .orderBy(asc(promptSets.name), desc(promptSets.version))
    .all()
    .map(({ firstPrompt: fp, firstVariant: fv, ...s }) => ({
      ...s,
      label: promptSetLabel({ ...s, firstPrompt: fp, firstVariant: fv }),
    }));
}

/**
 * What a form offers to pick (generation, reference set): the latest version of every named set,
 * and of every upload-derived set that has runs, named sets first.
 */
export function pickablePromptSets(): Pick<
  PromptSetListItem,
  "name" | "version" | "promptCount" | "label" | "isImplicit"
>[] {
  const seen = new Set<string>();
  return listPromptSets({ includeImplicit: true })
    .filter((s) => !seen.has(s.name) && seen.add(s.name))
    .filter((s) => !s.isImplicit || s.runCount > 0)
    .sort((a, b) => Number(a.isImplicit) - Number(b.isImplicit) || a.label.localeCompare(b.label))
    .map(({ name, version, promptCount, label, isImplicit }) => ({ name, version, promptCount, label, isImplicit }));
}
