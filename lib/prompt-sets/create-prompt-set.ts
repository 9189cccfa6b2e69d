// Creates a named prompt set from a JSONL/CSV file or a list of rows {id?, prompt, category?}.
// Without an explicit version: identical to the latest version → that version is returned
// (created: false); otherwise the next version is created.
//
// Ownership (through the API, with an actor): a name belongs to the key that made its first
// version. A new version needs that key or an admin key (403 otherwise, as for reference sets);
// version numbers are assigned, and only an admin may choose one (an import); demo sets accept no
// new version from anyone. Creations and new versions are recorded in the audit log.
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { prompts, promptSets, type PromptSetRow } from "../../db/schema";
import { AppError, validationError } from "../core/errors";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, isAdmin, type Actor } from "../auth/authorize-mutation";
import { insertPromptSet, type PromptToInsert } from "./insert-prompt-set";
import { MAX_PROMPTS_PER_SET, parsePromptFile, promptInputSchema } from "./parse-prompt-file";
import { promptIdentity, promptKeyFor } from "../core/prompt-identity";

/** Prefix reserved for the sets derived from uploads (ensure-implicit-prompt-set.ts). */
export const IMPLICIT_PREFIX = "upload-";

export const promptSetNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/,
    "use 1–100 letters, digits, '.', '_', '+' or '-', starting with a letter or digit",
  );

export const createPromptSetInputSchema = z
  .object({
    name: promptSetNameSchema.refine(
      (n) => !n.startsWith(IMPLICIT_PREFIX),
      `names starting with "${IMPLICIT_PREFIX}" are reserved for upload-derived sets`,
    ),
    version: z.number().int().min(1).optional(),
    description: z.string().max(5000).optional(),
    isDemo: z.boolean().default(false),
    /** The API key creating the set (null for demo data). */
    apiKeyId: z.string().nullable().default(null),
    prompts: z.array(promptInputSchema).min(1).max(MAX_PROMPTS_PER_SET).optional(),
    file: z.object({ bytes: z.instanceof(Uint8Array), fileName: z.string() }).optional(),
  })
  .refine((v) => (v.prompts === undefined) !== (v.file === undefined), "give either prompts or a file, not both");
export type CreatePromptSetInput = z.input<typeof createPromptSetInputSchema>;

export type CreatePromptSetResult = { promptSet: PromptSetRow & { promptCount: number }; created: boolean };

/** `actor`: the API key asking (through the API); omitted for the server's own sets (demo seeding, CLI). */
export function createPromptSet(input: CreatePromptSetInput, actor?: Actor): CreatePromptSetResult {
  const parsed = createPromptSetInputSchema.safeParse(actor ? { ...input, apiKeyId: actor.id } : input);
  if (!parsed.success) throw validationError(parsed.error, "prompt set");
  const v = parsed.data;
  if (actor && v.version !== undefined && !isAdmin(actor)) {
    throw new AppError(
      "forbidden",
      `API key "${actor.name}" may not choose a prompt set's version number (${v.version}): versions are assigned in order; only an admin key may import one with a given number`,
      { reason: "admin_only", role: actor.role },
    );
  }
  const rows = v.prompts ?? parsePromptFile(v.file!.bytes, v.file!.fileName);
  const toInsert: PromptToInsert[] = rows.map((r) => ({
    key: r.id ?? promptKeyFor(r.prompt),
    text: r.prompt,
    category: r.category ?? null,
  }));
  checkUnique(toInsert);

  const db = getDb();
  return db.transaction(
    (tx) => {
      const latest = tx
        .select()
        .from(promptSets)
        .where(eq(promptSets.name, v.name))
        .orderBy(desc(promptSets.version))
        .limit(1)
        .get();
      const guard = () => {
        if (!latest || !actor) return;
        if (latest.isDemo)
          throw new AppError(
            "forbidden",
            `prompt set "${v.name}" is part of the seeded demo and accepts no new versions; choose another name`,
            { reason: "demo", promptSet: v.name },
          );
        authorizeMutation(
          actor,
          { kind: "prompt set", id: `${latest.name} (v${latest.version})`, ownerKeyId: latest.apiKeyId },
          "add a new version to",
        );
      };
      let version = v.version;
      if (version !== undefined) {
        guard();
        if (
          tx
            .select({ id: promptSets.id })
            .from(promptSets)
            .where(and(eq(promptSets.name, v.name), eq(promptSets.version, version)))
            .get()
        ) {
          throw new AppError("conflict", `prompt set "${v.name}" version ${version} already exists`, {
            promptSet: v.name,
            version,
          });
        }
      } else if (latest) {
        const existing = tx
          .select({ key: prompts.promptKey, text: prompts.text, category: prompts.category })
          .from(prompts)
          .where(eq(prompts.promptSetId, latest.id))
          .orderBy(asc(prompts.position))
          .all();
        if (samePrompts(existing, toInsert))
          return { promptSet: { ...latest, promptCount: existing.length }, created: false };
        guard();
        version = latest.version + 1;
      } else {
        version = 1;
      }
      const row = insertPromptSet(
        tx,
        {
          name: v.name,
          version,
          description: v.description ?? null,
          isImplicit: false,
          isDemo: v.isDemo,
          apiKeyId: v.apiKeyId,
        },
        toInsert,
      );
      if (actor)
        recordAudit(tx, actor, {
          action: latest ? "prompt_set.version" : "prompt_set.create",
          targetType: "prompt_set",
          targetId: row.id,
          details: {
            name: row.name,
            version: row.version,
            prompts: toInsert.length,
            // A new version made by an admin under the name of another key.
            ...(latest && latest.apiKeyId !== actor.id ? { underAnotherKey: true, ownerKeyId: latest.apiKeyId } : {}),
          },
        });
      return { promptSet: { ...row, promptCount: toInsert.length }, created: true };
    },
    { behavior: "immediate" },
  );
}

function checkUnique(rows: readonly PromptToInsert[]): void {
  const keyCounts = new Map<string, number>();
  const textCounts = new Map<string, number>();
  for (const r of rows) {
    keyCounts.set(r.key, (keyCounts.get(r.key) ?? 0) + 1);
    // Same identity = same prompt (promptIdentity): "A cat" and "a  cat" would be one group.
    textCounts.set(promptIdentity(r.text), (textCounts.get(promptIdentity(r.text)) ?? 0) + 1);
  }
  const duplicatePrompts = [...textCounts].filter(([, n]) => n > 1).map(([t]) => t);
  if (duplicatePrompts.length > 0) {
    throw new AppError(
      "validation_failed",
      `${duplicatePrompts.length} prompt text(s) appear more than once (ignoring case and spacing, which CLIP ignores); each prompt must be unique within a set`,
      {
        duplicatePrompts: duplicatePrompts.slice(0, 100),
      },
    );
  }
  const duplicateIds = [...keyCounts].filter(([, n]) => n > 1).map(([k]) => k);
  if (duplicateIds.length > 0) {
    throw new AppError("validation_failed", `${duplicateIds.length} prompt id(s) appear more than once`, {
      duplicateIds: duplicateIds.slice(0, 100),
    });
  }
}

function samePrompts(a: readonly PromptToInsert[], b: readonly PromptToInsert[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.key === b[i]!.key && x.text === b[i]!.text && x.category === b[i]!.category)
  );
}
