// The prompt set of an upload that names none and whose prompts no existing set holds
// (find-containing-prompt-set.ts): named after the upload, `upload-<variant>-<shortsha>` with
// the hash over its sorted distinct prompt identities (promptIdentity), so the same prompt list maps to
// the same set however its prompts are capitalised or spaced.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { promptSets, type PromptSetRow } from "../../db/schema";
import { AppError } from "../core/errors";
import { IMPLICIT_PREFIX } from "./create-prompt-set";
import { insertPromptSet } from "./insert-prompt-set";
import { promptIdentity, promptKeyFor } from "../core/prompt-identity";

/** `upload-<variant as letters, digits, . _ + ->-<12 hex of sha256 over the sorted distinct prompt identities>`. */
export function implicitPromptSetName(texts: readonly string[], variant: string): string {
  const sorted = [...new Set(texts.map(promptIdentity))].sort();
  const slug = variant
    .toLowerCase()
    .replace(/[^a-z0-9._+-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${IMPLICIT_PREFIX}${slug ? `${slug}-` : ""}${createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 12)}`;
}

/**
 * Finds or creates (inside the caller's transaction) the implicit set of these prompts, named
 * after the upload's variant, or `name` when the uploader gave one; a new set is owned by
 * `apiKeyId`. The caller looked for a set holding these prompts first, so a set already called
 * `name` holds other prompts: 409.
 */
export function ensureImplicitPromptSet(
  tx: DbOrTx,
  texts: readonly string[],
  variant: string,
  apiKeyId: string | null = null,
  given?: string,
): PromptSetRow {
  const name = given ?? implicitPromptSetName(texts, variant);
  const existing = tx
    .select()
    .from(promptSets)
    .where(given ? eq(promptSets.name, name) : and(eq(promptSets.name, name), eq(promptSets.version, 1)))
    .get();
  if (existing && given)
    throw new AppError(
      "conflict",
      `a prompt set named "${name}" exists with other prompts; choose another newPromptSetName, or upload to it with promptSet`,
      { promptSet: name },
    );
  if (existing) return existing;
  const spelling = new Map<string, string>();
  for (const t of texts) if (!spelling.has(promptIdentity(t))) spelling.set(promptIdentity(t), t);
  const sorted = [...spelling.values()].sort();
  return insertPromptSet(
    tx,
    {
      name,
      version: 1,
      description: `prompts of an upload of ${variant} (${sorted.length} distinct)`,
      isImplicit: true,
      isDemo: false,
      apiKeyId,
    },
    sorted.map((text) => ({ key: promptKeyFor(text), text, category: null })),
  );
}
