// Which leaderboard a run is on: its prompt set's, with the page link. Uploads without a named
// set land on an existing set holding all their prompts or on a set named after the upload
// (lib/prompt-sets/find-containing-prompt-set.ts), so the answer, the CLI and the run page say where.
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { promptSets } from "../../db/schema";
import { AppError } from "../core/errors";
import { defaultPromptSet } from "./default-prompt-set";

export type RunLeaderboard = {
  promptSet: { id: string; name: string; version: number; isImplicit: boolean };
  /** The leaderboard page of this prompt set. */
  url: string;
  /** Whether `/` opens on this set (lib/leaderboard/default-prompt-set.ts). */
  isDefault: boolean;
};

/** The page of prompt set `name` on the leaderboard. */
export function leaderboardUrl(name: string): string {
  return `/?promptSet=${encodeURIComponent(name)}`;
}

/** Errors: not_found (404) for an unknown prompt set id. */
export function runLeaderboard(promptSetId: string): RunLeaderboard {
  const set = getDb().select().from(promptSets).where(eq(promptSets.id, promptSetId)).get();
  if (!set) throw new AppError("not_found", `no prompt set with id "${promptSetId}"`);
  return {
    promptSet: { id: set.id, name: set.name, version: set.version, isImplicit: set.isImplicit },
    url: leaderboardUrl(set.name),
    isDefault: defaultPromptSet()?.id === set.id,
  };
}
