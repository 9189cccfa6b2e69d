// Stores an uploaded reference set: the next version of its name, its images in the content store
// and one reference_images row per file, in ONE transaction (a rejected upload leaves neither rows
// nor files, as for runs). Tied to a prompt set, every image must name one of its prompts (by text
// or prompt id); without one the set is global and the manifest's prompts are ignored. Scored runs
// it applies to get a reference_metrics job in the same transaction. Uploaded through the API, the
// set records the key that uploaded it, and a new version of an existing name needs the key that
// made its latest version or an admin key (it replaces what every run is compared with).
import { and, desc, eq, or } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { newId } from "../../db/ids";
import {
  images,
  jobs,
  prompts,
  referenceImages,
  referenceSets,
  runs,
  type PromptSetRow,
  type ReferenceSetRow,
} from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { config } from "../core/config";
import { AppError, isAppError, validationError } from "../core/errors";
import { retryWhileBusy } from "../core/sqlite-busy";
import { enqueueJob } from "../jobs/enqueue-job";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { IMAGE_FORMATS } from "../storage/content-store";
import { removeObjectsWithoutImageRow } from "../storage/remove-files-without-image-row";
import { claimStoreFiles } from "../storage/store-claims";
import { putStagedFiles } from "../storage/store-staged-files";

export const referenceSetNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._+-]*$/u,
    "letters, digits, spaces, '.', '_', '+' and '-', starting with a letter or digit",
  );

export const referenceItemSchema = z.object({
  fileName: z.string().min(1).max(1024),
  prompt: z.string().optional(),
  promptId: z.string().trim().min(1).max(200).optional(),
  stagedPath: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(1),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  format: z.enum(IMAGE_FORMATS),
});

export const createReferenceSetInputSchema = z.object({
  name: referenceSetNameSchema,
  description: z.string().trim().max(2000).optional(),
  /** Prompt set (name or id; latest version unless promptSetVersion) the images belong to; omit for a global set. */
  promptSet: z.string().trim().min(1).max(100).optional(),
  promptSetVersion: z.number().int().min(1).optional(),
  items: z.array(referenceItemSchema).min(2, "a reference set needs at least 2 images").max(100_000),
});
export type CreateReferenceSetInput = z.input<typeof createReferenceSetInputSchema>;

export type CreateReferenceSetResult = { referenceSet: ReferenceSetRow; images: number; queuedRuns: number };

/**
 * `actor`: the API key uploading it, recorded as the owner; omitted on the server (toy:reference),
 * which, like other server-side commands, acts as an admin and leaves the owner null.
 * Errors: 422 validation_failed (bad fields, unknown prompt set or prompts, duplicate file names,
 * hash mismatch); 403 forbidden (details.reason not_owner / no_owner) when `actor` is a submitter
 * that did not make the latest version of an existing name.
 */
export async function createReferenceSet(
  input: CreateReferenceSetInput,
  actor?: Actor,
): Promise<CreateReferenceSetResult> {
  const parsed = createReferenceSetInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "reference set");
  const v = parsed.data;
  const db = getDb();

  const seen = new Set<string>();
  const dup = [...new Set(v.items.filter((i) => seen.size === seen.add(i.fileName).size).map((i) => i.fileName))];
  if (dup.length)
    throw new AppError("validation_failed", `${dup.length} file name(s) appear more than once`, {
      duplicateFiles: dup.slice(0, 100),
    });

  let set: PromptSetRow | undefined;
  const promptOf = new Map<string, number>();
  if (v.promptSet) {
    try {
      set = findPromptSetOrThrow(db, v.promptSet, v.promptSetVersion);
    } catch (e) {
      if (isAppError(e) && e.code === "not_found")
        throw new AppError("validation_failed", e.message, { promptSet: v.promptSet });
      throw e;
    }
    const rows = db
      .select({ id: prompts.id, key: prompts.promptKey, text: prompts.text })
      .from(prompts)
      .where(eq(prompts.promptSetId, set.id))
      .all();
    const byKey = new Map(rows.map((r) => [r.key, r.id]));
    const byText = new Map(rows.map((r) => [r.text, r.id]));
    const unknown = new Set<string>();
    for (const i of v.items) {
      const id =
        i.promptId !== undefined ? byKey.get(i.promptId) : i.prompt !== undefined ? byText.get(i.prompt) : undefined;
      if (id === undefined) unknown.add(i.promptId ?? i.prompt ?? `(no prompt: ${i.fileName})`);
      else promptOf.set(i.fileName, id);
    }
    if (unknown.size) {
      throw new AppError(
        "validation_failed",
        `${unknown.size} prompt(s) are not in prompt set "${set.name}" version ${set.version}`,
        {
          unknownPrompts: [...unknown].slice(0, 100),
          unknownCount: unknown.size,
        },
      );
    }
  }

  const distinct = new Map(v.items.map((i) => [i.sha256, i]));
  const claim = await claimStoreFiles([...distinct.keys()]);
  try {
    const added = await putStagedFiles([...distinct.values()], claim);
    try {
      // Waits out another process's write lock without blocking the request thread (as create-run.ts).
      return await retryWhileBusy(
        () =>
          db.transaction(
            (tx) => {
              const latest = tx
                .select({ id: referenceSets.id, version: referenceSets.version, apiKeyId: referenceSets.apiKeyId })
                .from(referenceSets)
                .where(eq(referenceSets.name, v.name))
                .orderBy(desc(referenceSets.version))
                .limit(1)
                .get();
              if (latest && actor)
                authorizeMutation(
                  actor,
                  { kind: "reference set", id: latest.id, ownerKeyId: latest.apiKeyId },
                  "add a new version to",
                );
              const row = tx
                .insert(referenceSets)
                .values({
                  id: newId("ref"),
                  name: v.name,
                  version: (latest?.version ?? 0) + 1,
                  description: v.description ?? null,
                  promptSetId: set?.id ?? null,
                  apiKeyId: actor?.id ?? null,
                })
                .returning()
                .get();
              const imageRows = [...distinct.values()].map((i) => ({
                sha256: i.sha256,
                bytes: i.bytes,
                format: i.format,
                width: i.width,
                height: i.height,
              }));
              for (let k = 0; k < imageRows.length; k += 500)
                tx.insert(images)
                  .values(imageRows.slice(k, k + 500))
                  .onConflictDoNothing()
                  .run();
              const refRows = v.items.map((i) => ({
                referenceSetId: row.id,
                imageSha256: i.sha256,
                promptId: promptOf.get(i.fileName) ?? null,
                fileName: i.fileName,
              }));
              for (let k = 0; k < refRows.length; k += 500)
                tx.insert(referenceImages)
                  .values(refRows.slice(k, k + 500))
                  .run();
              // Scored runs it applies to (same prompt set, or every run for a global set) without a pending job.
              const applicable = tx
                .select({ id: runs.id })
                .from(runs)
                .where(and(eq(runs.status, "scored"), set ? eq(runs.promptSetId, set.id) : undefined))
                .all();
              let queued = 0;
              for (const r of applicable) {
                const pending = tx
                  .select({ id: jobs.id })
                  .from(jobs)
                  .where(
                    and(
                      eq(jobs.runId, r.id),
                      eq(jobs.kind, "reference_metrics"),
                      or(eq(jobs.status, "queued"), eq(jobs.status, "running")),
                    ),
                  )
                  .get();
                if (!pending) {
                  // The bulk lane, on the uploader's account: a set that applies to every run on the
                  // server never holds back scoring an upload, and its key's share is bounded (claim-job.ts).
                  enqueueJob(tx, { kind: "reference_metrics", runId: r.id, lane: "bulk", apiKeyId: actor?.id ?? null });
                  queued++;
                }
              }
              if (actor)
                recordAudit(tx, actor, {
                  action: latest ? "reference_set.version" : "reference_set.create",
                  targetType: "reference_set",
                  targetId: row.id,
                  details: {
                    name: row.name,
                    version: row.version,
                    images: v.items.length,
                    queuedRuns: queued,
                    ...(latest && latest.apiKeyId !== actor.id
                      ? { underAnotherKey: true, ownerKeyId: latest.apiKeyId }
                      : {}),
                  },
                });
              return { referenceSet: row, images: v.items.length, queuedRuns: queued };
            },
            { behavior: "immediate" },
          ),
        { maxWaitMs: config().dbRequestWaitMs },
      );
    } catch (e) {
      await removeObjectsWithoutImageRow(added, { except: claim.owner });
      throw e;
    }
  } finally {
    claim.release();
  }
}
