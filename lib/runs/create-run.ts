// Registers an uploaded (or generated) run: resolves its variant and prompts, detects a
// re-upload by fingerprint, moves the staged images into the content store and writes the
// prompt set, images, run, samples and its scoring job in ONE transaction. If anything fails,
// the files this call added to the store are deleted again: a rejected upload leaves neither
// rows nor files. Staged files that were not moved stay where they are (the caller cleans up
// its staging folder).
import { createHash } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Tx } from "../../db/client";
import { newId } from "../../db/ids";
import {
  conditioningTypeSchema,
  images,
  replicateSchema,
  prompts,
  promptSets,
  runSourceSchema,
  runs,
  samples,
  variants,
  type PromptSetRow,
  type RunRow,
} from "../../db/schema";
import { config } from "../core/config";
import { AppError, isAppError, validationError } from "../core/errors";
import { retryWhileBusy } from "../core/sqlite-busy";
import { enqueueJob } from "../jobs/enqueue-job";
import { MAX_PROMPT_CHARS } from "../manifest/parse-manifest";
import { ensureImplicitPromptSet } from "../prompt-sets/ensure-implicit-prompt-set";
import { findContainingPromptSet } from "../prompt-sets/find-containing-prompt-set";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { IMPLICIT_PREFIX, promptSetNameSchema } from "../prompt-sets/create-prompt-set";
import { promptIdentity } from "../core/prompt-identity";
import { IMAGE_FORMATS } from "../storage/content-store";
import { removeObjectsWithoutImageRow } from "../storage/remove-files-without-image-row";
import { claimStoreFiles, type StoreClaim } from "../storage/store-claims";
import { putStagedFiles } from "../storage/store-staged-files";
import { createVariant, createVariantInputSchema } from "../variants/create-variant";
import { recordAudit } from "../audit/record-audit";
import { authorizeContribution } from "../auth/authorize-contribution";
import type { Actor } from "../auth/authorize-mutation";
import { retryRun } from "./retry-run";
import { sameScaleNotice, type SameScaleNotice } from "./same-scale-runs";

export const runItemSchema = z
  .object({
    /** The name the file had in the upload; unique within a run. */
    fileName: z.string().min(1).max(1024),
    prompt: z
      .string()
      .trim()
      .min(
        1,
        "the prompt is empty: a run's samples each belong to a prompt (npm run score and POST /api/v1/metrics score an image against the empty prompt)",
      )
      .max(MAX_PROMPT_CHARS)
      .optional(),
    /** A prompt's id in the named prompt set. */
    promptId: z.string().trim().min(1).max(200).optional(),
    seed: z.number().int().optional(),
    /** The staged file (under <dataDir>/staging, so moving it is a rename). */
    stagedPath: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256"),
    bytes: z.number().int().min(1),
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    format: z.enum(IMAGE_FORMATS),
  })
  .refine((i) => i.prompt !== undefined || i.promptId !== undefined, "needs a prompt or a promptId");
export type RunItem = z.input<typeof runItemSchema>;

export const createRunInputSchema = z.object({
  /** Variant name; it must exist unless createVariantIfMissing is given. */
  variant: z.string().trim().min(1).max(100),
  createVariantIfMissing: createVariantInputSchema.omit({ name: true, isDemo: true }).optional(),
  /** Named prompt set (latest version unless promptSetVersion); without one the upload's prompts form an implicit set. */
  promptSet: z.string().trim().min(1).max(100).optional(),
  promptSetVersion: z.number().int().min(1).optional(),
  /** Without promptSet: the name of the set made from the upload's prompts when no set holds them all (default upload-<variant>-<hash>). */
  newPromptSetName: promptSetNameSchema
    .refine((n) => !n.startsWith(IMPLICIT_PREFIX), `names starting with "${IMPLICIT_PREFIX}" are reserved`)
    .optional(),
  guidanceScale: z.number(),
  /** Which trained copy of the variant made the run (training seed, checkpoint); omitted for a variant with one. */
  replicate: replicateSchema.nullish(),
  sampler: z.string().trim().min(1).max(100).optional(),
  steps: z.number().int().min(1).max(100_000).optional(),
  seedPolicy: z.string().trim().min(1).max(200).optional(),
  source: runSourceSchema.default("uploaded"),
  isDemo: z.boolean().default(false),
  /** The API key uploading the run; it owns the run and any variant or prompt set made for it (null for demo data). */
  apiKeyId: z.string().nullable().default(null),
  items: z.array(runItemSchema).min(1).max(100_000),
});
export type CreateRunInput = z.input<typeof createRunInputSchema>;

/**
 * duplicate: a run with the same images and prompts existed; requeued: it had failed and was
 * queued again (retry-run.ts); duplicateNote: why it counts as the same run when its optional
 * settings (sampler, steps, seed policy, seeds) differ from this upload's.
 */
export type CreateRunResult = {
  run: RunRow;
  duplicate: boolean;
  requeued?: boolean;
  duplicateNote?: string;
  /** The variant already had a run at this guidance scale on this prompt set: replicate or duplicate? */
  sameScale?: SameScaleNotice;
};

type Resolved = z.output<typeof runItemSchema> & { text: string; promptRowId?: number };

/**
 * `actor`: the API key uploading (through the API): it must be allowed to add runs to the variant
 * (lib/auth/authorize-contribution.ts; 403 otherwise), it owns the run and anything made for it,
 * and the upload is recorded in the audit log. Omitted for the server's own runs (demo seeding).
 */
export async function createRun(input: CreateRunInput, actor?: Actor): Promise<CreateRunResult> {
  const parsed = createRunInputSchema.safeParse(actor ? { ...input, apiKeyId: actor.id } : input);
  if (!parsed.success) throw validationError(parsed.error, "run");
  const v = parsed.data;
  const db = getDb();
  if (v.promptSet && v.newPromptSetName)
    throw new AppError(
      "validation_failed",
      "newPromptSetName names the set made from an upload's own prompts; with promptSet the run joins that set",
      { issues: [{ path: "newPromptSetName", message: "give it without promptSet" }] },
    );

  const variant = db.select().from(variants).where(eq(variants.name, v.variant)).get();
  if (variant && actor) authorizeContribution(actor, variant, "upload runs to");
  if (!variant) {
    if (!v.createVariantIfMissing) {
      throw new AppError(
        "validation_failed",
        `unknown variant "${v.variant}": send conditioningType (${conditioningTypeSchema.options.join(", ")}) to create it with this upload, or register it first with POST /api/v1/variants`,
        {
          variant: v.variant,
        },
      );
    }
    const check = createVariantInputSchema.safeParse({ ...v.createVariantIfMissing, name: v.variant });
    if (!check.success) throw validationError(check.error, "variant");
  }

  const seen = new Set<string>();
  const duplicateFiles = [
    ...new Set(v.items.filter((i) => seen.size === seen.add(i.fileName).size).map((i) => i.fileName)),
  ];
  if (duplicateFiles.length > 0) {
    throw new AppError(
      "validation_failed",
      `${duplicateFiles.length} file name(s) appear more than once in the run: in a run each image is a sample of one prompt (to score one image against several prompts, use POST /api/v1/metrics or the CLI)`,
      { duplicateFiles: duplicateFiles.slice(0, 100) },
    );
  }

  const { set, items } = resolvePrompts(v);

  const fingerprint = runFingerprint({
    variant: v.variant,
    promptSet: set ? `${set.name}@${set.version}` : null,
    guidanceScale: v.guidanceScale,
    replicate: v.replicate ?? null,
    sampler: v.sampler ?? null,
    steps: v.steps ?? null,
    seedPolicy: v.seedPolicy ?? null,
    source: v.source,
    items: items.map((i) => [i.text, i.seed ?? null, i.sha256]),
  });
  const existing = db.select().from(runs).where(eq(runs.fingerprint, fingerprint)).get();
  if (existing) return existingRun(existing);
  // The images and prompts decide what a run is; optional metadata told differently does not make another one.
  const same = sameContentRun(v, set, items);
  if (same) return { ...existingRun(same), duplicateNote: sameContentNote(same, v) };

  const firstBySha = new Map<string, Resolved>();
  for (const i of items) if (!firstBySha.has(i.sha256)) firstBySha.set(i.sha256, i);
  // Until the rows are committed the placed files have none: the claim keeps the clean-up off them.
  const claim = await claimStoreFiles([...firstBySha.keys()]);
  try {
    const created = await storeAndInsert(v, fingerprint, set, items, firstBySha, variant?.id, actor, claim);
    if (created.duplicate) return created;
    const sameScale = sameScaleNotice(created.run);
    return sameScale ? { ...created, sameScale } : created;
  } finally {
    claim.release();
  }
}

/** Moves each distinct file into the store, remembering which ones this call added, then writes the rows. */
async function storeAndInsert(
  v: z.output<typeof createRunInputSchema>,
  fingerprint: string,
  set: PromptSetRow | undefined,
  items: Resolved[],
  firstBySha: Map<string, Resolved>,
  variantId: string | undefined,
  actor: Actor | undefined,
  claim: StoreClaim,
): Promise<CreateRunResult> {
  const db = getDb();
  const added = await putStagedFiles([...firstBySha.values()], claim);

  try {
    // Another process may hold the write lock (a backup, a long re-score): wait for it without
    // blocking this thread (on the web server, the one answering requests), then 503 (db/client.ts).
    const run = await retryWhileBusy(
      () =>
        db.transaction((tx) => insertRun(tx, v, fingerprint, set, items, variantId, actor), {
          behavior: "immediate",
        }),
      { maxWaitMs: config().dbRequestWaitMs },
    );
    return { run, duplicate: false };
  } catch (e) {
    await removeObjectsWithoutImageRow(added, { except: claim.owner });
    // Another upload of the same run committed between our check and our transaction.
    if (isUniqueViolation(e, "runs.fingerprint")) {
      const winner = db.select().from(runs).where(eq(runs.fingerprint, fingerprint)).get();
      if (winner) return existingRun(winner);
    }
    throw e;
  }
}

/**
 * The first run of the same variant, guidance scale and source (and prompt set, when named) whose
 * (prompt, image) pairs are exactly these, whatever its sampler, steps, seed policy and seeds.
 */
function sameContentRun(
  v: z.output<typeof createRunInputSchema>,
  set: PromptSetRow | undefined,
  items: Resolved[],
): RunRow | undefined {
  const db = getDb();
  const candidates = db
    .select({ run: runs, n: sql<number>`(select count(*) from ${samples} where ${samples.runId} = ${runs.id})` })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(
      and(
        eq(variants.name, v.variant),
        eq(runs.guidanceScale, v.guidanceScale),
        eq(runs.source, v.source),
        set ? eq(runs.promptSetId, set.id) : undefined,
      ),
    )
    .orderBy(asc(runs.createdAt))
    .all()
    .filter((c) => c.n === items.length);
  if (candidates.length === 0) return undefined;
  const pair = (text: string, sha: string) => `${promptIdentity(text)}\u0000${sha}`;
  const want = items.map((i) => pair(i.text, i.sha256)).sort();
  for (const { run } of candidates) {
    const have = db
      .select({ text: prompts.text, sha: samples.imageSha256 })
      .from(samples)
      .innerJoin(prompts, eq(prompts.id, samples.promptId))
      .where(eq(samples.runId, run.id))
      .all()
      .map((r) => pair(r.text, r.sha))
      .sort();
    if (have.every((x, k) => x === want[k])) return run;
  }
  return undefined;
}

/** What the answer says about a run that matched by its images and prompts only. */
function sameContentNote(run: RunRow, v: z.output<typeof createRunInputSchema>): string {
  const differ = (
    [
      ["sampler", run.sampler, v.sampler ?? null],
      ["steps", run.steps, v.steps ?? null],
      ["seed policy", run.seedPolicy, v.seedPolicy ?? null],
    ] as const
  )
    .filter(([, a, b]) => a !== b)
    .map(([name, a, b]) => `${name} ${a ?? "not given"} there, ${b ?? "not given"} here`);
  return (
    `run ${run.id} has the same images and prompts (variant ${v.variant}, guidance ${v.guidanceScale})` +
    (differ.length
      ? `; its optional settings differ (${differ.join("; ")})`
      : "; only the seeds or file names differ") +
    `: it is the same run, kept with the settings it was first uploaded with`
  );
}

/** An identical upload of a failed run re-queues it instead of pointing at the failure. */
function existingRun(run: RunRow): CreateRunResult {
  if (run.status !== "failed" || run.source !== "uploaded") return { run, duplicate: true };
  try {
    return { run: retryRun(run.id), duplicate: true, requeued: true };
  } catch (e) {
    // Another request re-queued it first.
    if (isAppError(e) && e.code === "conflict")
      return { run: getDb().select().from(runs).where(eq(runs.id, run.id)).get()!, duplicate: true };
    throw e;
  }
}

function resolvePrompts(v: z.output<typeof createRunInputSchema>): {
  set: PromptSetRow | undefined;
  items: Resolved[];
} {
  if (!v.promptSet) {
    const needSet = v.items.filter((i) => i.prompt === undefined).map((i) => i.promptId!);
    if (needSet.length > 0) {
      throw new AppError("validation_failed", "items name prompts by promptId, which needs a named prompt set", {
        unknownPrompts: [...new Set(needSet)].slice(0, 100),
      });
    }
    // Prompts with one identity are one prompt of the implicit set, spelled as first seen.
    const spelling = new Map<string, string>();
    for (const i of v.items)
      if (!spelling.has(promptIdentity(i.prompt!))) spelling.set(promptIdentity(i.prompt!), i.prompt!);
    return { set: undefined, items: v.items.map((i) => ({ ...i, text: spelling.get(promptIdentity(i.prompt!))! })) };
  }
  let set: PromptSetRow;
  try {
    set = findPromptSetOrThrow(getDb(), v.promptSet, v.promptSetVersion);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found")
      throw new AppError("validation_failed", e.message, { promptSet: v.promptSet, version: v.promptSetVersion });
    throw e;
  }
  const rows = getDb()
    .select({ id: prompts.id, key: prompts.promptKey, text: prompts.text })
    .from(prompts)
    .where(eq(prompts.promptSetId, set.id))
    .all();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const byText = new Map(rows.map((r) => [promptIdentity(r.text), r]));
  const unknown = new Set<string>();
  const mismatched: { promptId: string; prompt: string }[] = [];
  const items = v.items.map((i): Resolved => {
    const row = i.promptId !== undefined ? byKey.get(i.promptId) : byText.get(promptIdentity(i.prompt!));
    if (!row) {
      unknown.add(i.promptId ?? i.prompt!);
      return { ...i, text: "" };
    }
    if (i.promptId !== undefined && i.prompt !== undefined && promptIdentity(i.prompt) !== promptIdentity(row.text))
      mismatched.push({ promptId: i.promptId, prompt: i.prompt });
    return { ...i, text: row.text, promptRowId: row.id };
  });
  if (unknown.size > 0) {
    throw new AppError(
      "validation_failed",
      `${unknown.size} prompt(s) are not in prompt set "${set.name}" version ${set.version}`,
      {
        promptSet: set.name,
        version: set.version,
        unknownPrompts: [...unknown].slice(0, 1000),
        unknownCount: unknown.size,
      },
    );
  }
  if (mismatched.length > 0) {
    throw new AppError(
      "validation_failed",
      `${mismatched.length} item(s) give a promptId whose text in "${set.name}" differs from their prompt`,
      {
        mismatchedPrompts: mismatched.slice(0, 100),
      },
    );
  }
  return { set, items };
}

/** sha256 over the variant, the settings and the sorted (prompt, seed, image) list. */
export function runFingerprint(f: {
  variant: string;
  promptSet: string | null;
  guidanceScale: number;
  /** Left out when null, so unlabelled runs keep the fingerprints they had before replicates existed. */
  replicate?: string | null;
  sampler: string | null;
  steps: number | null;
  seedPolicy: string | null;
  source: string;
  items: [string, number | null, string][];
}): string {
  const items = [...f.items].sort(
    (a, b) => cmp(a[0], b[0]) || cmp(a[1] ?? -Infinity, b[1] ?? -Infinity) || cmp(a[2], b[2]),
  );
  const { replicate, ...rest } = f;
  return createHash("sha256")
    .update(JSON.stringify({ v: 1, ...rest, ...(replicate ? { replicate } : {}), items }))
    .digest("hex");
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Rows per INSERT, under SQLite's bound-parameter limit.
const ROWS_PER_INSERT = 500;

function insertRun(
  tx: Tx,
  v: z.output<typeof createRunInputSchema>,
  fingerprint: string,
  named: PromptSetRow | undefined,
  items: Resolved[],
  variantId: string | undefined,
  actor: Actor | undefined,
): RunRow {
  // Looked up again inside the transaction: another key may have made the variant meanwhile.
  const found = tx.select().from(variants).where(eq(variants.name, v.variant)).get();
  if (found && actor && found.id !== variantId) authorizeContribution(actor, found, "upload runs to");
  const variantRow =
    found ??
    createVariant({ ...v.createVariantIfMissing!, name: v.variant, isDemo: v.isDemo }, tx, { apiKeyId: v.apiKeyId });
  const variant = variantRow.id;
  if (actor && !found)
    recordAudit(tx, actor, {
      action: "variant.create",
      targetType: "variant",
      targetId: variant,
      details: { name: v.variant, via: "run upload" },
    });

  let set = named;
  let promptIdOf: (i: Resolved) => number = (i) => i.promptRowId!;
  if (!set) {
    const texts = items.map((i) => i.text);
    set =
      findContainingPromptSet(tx, texts) ??
      ensureImplicitPromptSet(tx, texts, v.variant, v.apiKeyId, v.newPromptSetName);
    const rows = tx
      .select({ id: prompts.id, text: prompts.text })
      .from(prompts)
      .where(eq(prompts.promptSetId, set.id))
      .all();
    const byText = new Map(rows.map((r) => [promptIdentity(r.text), r.id]));
    promptIdOf = (i) => byText.get(promptIdentity(i.text))!;
  } else if (!tx.select({ id: promptSets.id }).from(promptSets).where(eq(promptSets.id, set.id)).get()) {
    throw new AppError("conflict", `prompt set "${set.name}" was deleted while the run was being created`);
  }

  const distinct = new Map<string, Resolved>();
  for (const i of items) if (!distinct.has(i.sha256)) distinct.set(i.sha256, i);
  const imageRows = [...distinct.values()].map((i) => ({
    sha256: i.sha256,
    bytes: i.bytes,
    format: i.format,
    width: i.width,
    height: i.height,
  }));
  for (let k = 0; k < imageRows.length; k += ROWS_PER_INSERT) {
    tx.insert(images)
      .values(imageRows.slice(k, k + ROWS_PER_INSERT))
      .onConflictDoNothing()
      .run();
  }

  const run = tx
    .insert(runs)
    .values({
      id: newId("run"),
      variantId: variant,
      promptSetId: set.id,
      guidanceScale: v.guidanceScale,
      replicate: v.replicate ?? null,
      sampler: v.sampler ?? null,
      steps: v.steps ?? null,
      seedPolicy: v.seedPolicy ?? null,
      source: v.source,
      status: "queued",
      progressTotal: items.length,
      fingerprint,
      isDemo: v.isDemo,
      apiKeyId: v.apiKeyId,
    })
    .returning()
    .get();

  const perPrompt = new Map<number, number>();
  const sampleRows = items.map((i) => {
    const promptId = promptIdOf(i);
    const sampleIndex = perPrompt.get(promptId) ?? 0;
    perPrompt.set(promptId, sampleIndex + 1);
    return {
      runId: run.id,
      promptId,
      seed: i.seed ?? null,
      sampleIndex,
      imageSha256: i.sha256,
      width: i.width,
      height: i.height,
      fileName: i.fileName,
    };
  });
  // Insertion order is upload order; scoring and reports follow it.
  for (let k = 0; k < sampleRows.length; k += ROWS_PER_INSERT)
    tx.insert(samples)
      .values(sampleRows.slice(k, k + ROWS_PER_INSERT))
      .run();

  enqueueJob(tx, { kind: "score_run", runId: run.id });
  if (actor) {
    const underAnotherKey = variantRow.apiKeyId !== actor.id;
    recordAudit(tx, actor, {
      action: "run.create",
      targetType: "run",
      targetId: run.id,
      details: {
        variantId: variant,
        variant: v.variant,
        guidanceScale: v.guidanceScale,
        samples: items.length,
        promptSet: { id: set.id, name: set.name, version: set.version },
        // An upload to a variant another key owns (it was opened, or the actor is an admin).
        ...(underAnotherKey ? { underAnotherKey: true, variantOwnerKeyId: variantRow.apiKeyId } : {}),
      },
    });
  }
  return run;
}

function isUniqueViolation(e: unknown, column: string): boolean {
  // drizzle may wrap the driver's error; the SqliteError is then the cause.
  for (
    let err = e as { code?: string; message?: string; cause?: unknown } | undefined;
    err;
    err = err.cause as typeof err
  ) {
    if (err.code === "SQLITE_CONSTRAINT_UNIQUE" && (err.message ?? "").includes(column)) return true;
  }
  return false;
}
