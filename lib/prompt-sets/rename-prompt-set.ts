// Renames a prompt set: every version of its name at once, so its leaderboard and its history
// keep one name (owner or admin: lib/auth/authorize-mutation.ts, checked against the key that
// created each version). Gives an upload-derived set a readable name in place of
// `upload-<variant>-<hash>`; uploads of the same prompts still find it by its prompts
// (find-containing-prompt-set.ts). The "upload-" prefix stays reserved; a taken name is a 409.
// Runs keep their set (by id), so nothing is recomputed. Recorded in the audit log.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { promptSets } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError, validationError } from "../core/errors";
import { IMPLICIT_PREFIX, promptSetNameSchema } from "./create-prompt-set";
import { findPromptSetOrThrow } from "./get-prompt-set-or-throw";

export const renamePromptSetInputSchema = z
  .object({
    name: promptSetNameSchema.refine(
      (n) => !n.startsWith(IMPLICIT_PREFIX),
      `names starting with "${IMPLICIT_PREFIX}" are reserved for upload-derived sets`,
    ),
  })
  .strict();
export type RenamePromptSetInput = z.input<typeof renamePromptSetInputSchema>;

export type RenamePromptSetResult = { id: string; name: string; previousName: string; versions: number };

/** Throws 422 on a bad name, 404 for an unknown set, 403 unless owner or admin, 409 for a taken name. */
export function renamePromptSet(nameOrId: string, actor: Actor, input: RenamePromptSetInput): RenamePromptSetResult {
  const parsed = renamePromptSetInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "prompt set rename");
  const name = parsed.data.name;
  return getDb().transaction(
    (tx) => {
      const set = findPromptSetOrThrow(tx, nameOrId);
      const versions = tx.select().from(promptSets).where(eq(promptSets.name, set.name)).all();
      for (const v of versions)
        authorizeMutation(
          actor,
          { kind: "prompt set", id: `${v.name} v${v.version}`, ownerKeyId: v.apiKeyId },
          "rename",
        );
      if (set.isDemo)
        throw new AppError("conflict", `prompt set "${set.name}" is demo data; demo names are fixed`, {
          promptSet: set.name,
        });
      if (name !== set.name && tx.select({ id: promptSets.id }).from(promptSets).where(eq(promptSets.name, name)).get())
        throw new AppError("conflict", `a prompt set named "${name}" already exists`, { promptSet: name });
      tx.update(promptSets).set({ name }).where(eq(promptSets.name, set.name)).run();
      recordAudit(tx, actor, {
        action: "prompt_set.rename",
        targetType: "prompt_set",
        targetId: set.id,
        details: { before: { name: set.name }, after: { name }, versions: versions.length },
      });
      return { id: set.id, name, previousName: set.name, versions: versions.length };
    },
    { behavior: "immediate" },
  );
}
