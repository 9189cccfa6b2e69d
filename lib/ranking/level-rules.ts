// The rules that choose a board's default diversity level, in words, in the order they apply.
// lib/leaderboard/board-level.ts applies them (it reads the reference sets, the admin's level and
// the frozen level from the database) and names each level with these texts; method-doc.ts
// renders the same list on /about/ranking, so the page and the code cannot disagree.
import type { LevelSource } from "./settings";

export interface LevelRule {
  source: Exclude<LevelSource, "reader" | "pair" | "common-reach">;
  /** How the rule is stated on /about/ranking. */
  statement: string;
}

/** The prompt set's default level: the first rule that yields one. None looks at the variants on the board except "frozen", once. */
export const DEFAULT_LEVEL_RULES: readonly LevelRule[] = [
  {
    source: "reference-set",
    statement:
      "the per-prompt diversity of the latest reference set tied to the prompt set version (its own real images, embedded by the board's evaluator): the mean over its prompts with at least 2 images of the same pairwise diversity the runs are measured with — fidelity at the diversity real images have",
  },
  {
    source: "admin",
    statement:
      "else the level an admin set for the prompt set version and evaluator (API PUT /api/v1/prompt-sets/{name}/level, npm run runs -- set-level, or the form on the leaderboard), recorded in the audit log",
  },
  {
    source: "frozen",
    statement:
      "else the level frozen when the board of that prompt set version and evaluator was first ranked with at least 2 variants: the highest diversity every curve then reached, stored and recorded in the audit log, so variants added or removed later never move it (an admin can replace it)",
  },
];

export const levelRuleText = {
  reader: "set by the reader",
  referenceSet: (name: string, version: number, prompts: number) =>
    `the per-prompt diversity of reference set "${name}" v${version} (mean over its ${prompts} prompt${prompts === 1 ? "" : "s"} with at least 2 images)`,
  admin: (by: string | null, note: string | null) =>
    `set by an admin${by ? ` (${by})` : ""} for this prompt set version and evaluator${note ? `: ${note}` : ""}`,
  frozen: (at: string) =>
    `frozen on ${at} when this prompt set version's board was first ranked (the highest diversity every curve then reached); later variants do not move it`,
} as const;
