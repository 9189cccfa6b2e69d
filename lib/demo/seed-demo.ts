// Seeds the demo data (lib/demo/demo-catalog.ts) so that every page has content on a fresh,
// offline install: the `unclip-demo` prompt set, one demo variant per conditioning type and a
// guidance sweep of procedurally drawn runs per variant, all flagged isDemo, then scores them
// in-process. Idempotent: a (variant, guidance) pair that already has a demo run is skipped
// before anything is drawn, and since the drawing is deterministic a re-created run has the
// same fingerprint, so createRun would dedupe it anyway.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { promptSets, runScores, runs, variants, type PromptSetRow } from "../../db/schema";
import type { ClipEvaluator } from "../clip/evaluator";
import { config } from "../config";
import { AppError } from "../errors";
import { validationError } from "../http/respond";
import { startWorker } from "../jobs/run-worker";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun, type RunItem } from "../runs/create-run";
import { getServiceEvaluator } from "../scoring/service-evaluator";
import {
  DEMO_GUIDANCE_SCALES,
  DEMO_IMAGE_SIZE,
  DEMO_PALETTE,
  DEMO_PROMPT_SET,
  DEMO_PROMPTS,
  DEMO_SAMPLES_PER_PROMPT,
  DEMO_VARIANTS,
  demoSpread,
  demoVariantDescription,
  type DemoPrompt,
  type DemoVariant,
} from "./demo-catalog";
import { drawScenePng } from "./draw-scene";

const variantNames = DEMO_VARIANTS.map((v) => v.name) as [string, ...string[]];

export const seedDemoSettingsSchema = z.object({
  /** Which demo variants (default: all four). */
  variants: z.array(z.enum(variantNames)).min(1).optional(),
  guidanceScales: z.array(z.number().positive().max(100)).min(1).optional(),
  /** Runs use the first N prompts of the set (the set itself always holds all of them). */
  prompts: z.number().int().min(1).max(DEMO_PROMPTS.length).optional(),
  samplesPerPrompt: z.number().int().min(2).max(64).default(DEMO_SAMPLES_PER_PROMPT),
  size: z.number().int().min(16).max(512).default(DEMO_IMAGE_SIZE),
  /** Seed only when the database has no runs at all (first start). */
  ifEmpty: z.boolean().default(false),
  /** Score the demo runs before returning; off, they wait in the queue for a worker. */
  score: z.boolean().default(true),
});

export type SeedDemoOptions = z.input<typeof seedDemoSettingsSchema> & {
  /** An evaluator already loaded (tests); default: the service's evaluator. */
  evaluator?: ClipEvaluator;
  /** Progress lines; default: silent. */
  log?: (line: string) => void;
  /** Aborting stops drawing, or hands the job being scored back to the queue. */
  signal?: AbortSignal;
};

export type SeedDemoResult = {
  /** `already_present`: nothing new was needed; `not_empty`: ifEmpty and the database has runs. */
  outcome: "seeded" | "already_present" | "not_empty";
  promptSetCreated: boolean;
  variantsCreated: number;
  runsCreated: number;
  imagesDrawn: number;
  runsScored: number;
  runsFailed: number;
  /** Demo runs still queued or being scored (by another worker) when seeding returned. */
  runsPending: number;
};

export async function seedDemo(opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const parsed = seedDemoSettingsSchema.safeParse(opts);
  if (!parsed.success) throw validationError(parsed.error, "demo seeding options");
  const o = parsed.data;
  const log = opts.log ?? (() => {});
  const db = getDb();
  const result: SeedDemoResult = {
    outcome: "already_present",
    promptSetCreated: false,
    variantsCreated: 0,
    runsCreated: 0,
    imagesDrawn: 0,
    runsScored: 0,
    runsFailed: 0,
    runsPending: 0,
  };

  if (o.ifEmpty && db.select({ n: sql<number>`count(*)` }).from(runs).get()!.n > 0) return { ...result, outcome: "not_empty" };

  const wanted = DEMO_VARIANTS.filter((v) => !o.variants || o.variants.includes(v.name));
  refuseNonDemoNames(wanted);
  const { promptSet: set, created } = createPromptSet({
    name: DEMO_PROMPT_SET,
    description:
      `DEMO DATA: prompts from the unCLIP (DALL·E 2) paper and its discussion, used by the procedurally ` +
      `drawn demo runs (npm run seed:demo). Remove with: npm run seed:demo -- --remove`,
    isDemo: true,
    prompts: DEMO_PROMPTS.map((p) => ({ id: p.id, prompt: p.prompt, category: p.category })),
  });
  result.promptSetCreated = created;

  const demoVariantCount = () => db.select({ n: sql<number>`count(*)` }).from(variants).where(eq(variants.isDemo, true)).get()!.n;
  const variantsBefore = demoVariantCount();
  const scales = o.guidanceScales ?? [...DEMO_GUIDANCE_SCALES];
  const prompts = DEMO_PROMPTS.slice(0, o.prompts ?? DEMO_PROMPTS.length);
  const staging = path.join(config().dataDir, "staging", `demo-${randomBytes(6).toString("hex")}`);
  try {
    for (const v of wanted) {
      let made = 0;
      for (const g of scales) {
        opts.signal?.throwIfAborted();
        if (hasDemoRun(v.name, set, g)) continue;
        const items = await drawRunItems(path.join(staging, `${v.name}-g${g}`), v, g, prompts, o.samplesPerPrompt, o.size);
        result.imagesDrawn += items.length;
        const r = await createRun({
          variant: v.name,
          createVariantIfMissing: { conditioningType: v.conditioningType, description: demoVariantDescription(v), model: "procedural demo drawer (lib/demo/draw-scene.ts)", links: v.links },
          promptSet: set.name,
          promptSetVersion: set.version,
          guidanceScale: g,
          sampler: "procedural-demo",
          seedPolicy: `seeds 0–${o.samplesPerPrompt - 1} for every prompt`,
          source: "generated",
          isDemo: true,
          items,
        });
        if (!r.duplicate) made++;
      }
      result.runsCreated += made;
      if (made > 0) log(`${v.name}: created ${made} demo run${made === 1 ? "" : "s"} (${prompts.length} prompts × ${o.samplesPerPrompt} samples each)`);
    }
  } finally {
    // createRun moved the new files into the store; what is left are copies of content it already had.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  result.variantsCreated = demoVariantCount() - variantsBefore;
  if (result.promptSetCreated || result.runsCreated > 0 || result.variantsCreated > 0) result.outcome = "seeded";

  const pending = unfinishedDemoRuns();
  if (o.score && pending.length > 0) Object.assign(result, await scorePending(pending, opts, log));
  else result.runsPending = pending.length;
  return result;
}

/** A demo name taken by a user's own variant or prompt set must not be mixed with demo data. */
function refuseNonDemoNames(wanted: readonly DemoVariant[]): void {
  const db = getDb();
  const set = db.select({ isDemo: promptSets.isDemo }).from(promptSets).where(eq(promptSets.name, DEMO_PROMPT_SET)).orderBy(desc(promptSets.version)).limit(1).get();
  if (set && !set.isDemo) {
    throw new AppError("conflict", `a prompt set named "${DEMO_PROMPT_SET}" exists and is not demo data; demo data was not seeded`, { promptSet: DEMO_PROMPT_SET });
  }
  const taken = db
    .select({ name: variants.name })
    .from(variants)
    .where(
      and(
        inArray(
          variants.name,
          wanted.map((v) => v.name),
        ),
        eq(variants.isDemo, false),
      ),
    )
    .all();
  if (taken.length > 0) {
    const names = taken.map((t) => t.name);
    throw new AppError("conflict", `variant name(s) ${names.map((n) => `"${n}"`).join(", ")} exist and are not demo data; demo data was not seeded`, { variants: names });
  }
}

function hasDemoRun(variant: string, set: PromptSetRow, guidanceScale: number): boolean {
  return (
    getDb()
      .select({ id: runs.id })
      .from(runs)
      .innerJoin(variants, eq(variants.id, runs.variantId))
      .where(and(eq(variants.name, variant), eq(runs.promptSetId, set.id), eq(runs.guidanceScale, guidanceScale), eq(runs.isDemo, true)))
      .limit(1)
      .get() !== undefined
  );
}

/** The pixel RNG seed: per variant, prompt and sample seed, and the same at every guidance scale. */
export function demoImageSeed(variant: string, promptId: string, seed: number): number {
  return createHash("sha256").update(`t2i-demo|${variant}|${promptId}|${seed}`).digest().readUInt32LE(0);
}

async function drawRunItems(dir: string, v: DemoVariant, g: number, prompts: readonly DemoPrompt[], perPrompt: number, size: number): Promise<RunItem[]> {
  fs.mkdirSync(dir, { recursive: true });
  const spread = demoSpread(v, g);
  const jobs = prompts.flatMap((p) => Array.from({ length: perPrompt }, (_, k) => ({ p, k })));
  return Promise.all(
    jobs.map(async ({ p, k }): Promise<RunItem> => {
      const png = await drawScenePng({ scene: p.scene, seed: demoImageSeed(v.name, p.id, k), spread, size, palette: DEMO_PALETTE });
      const fileName = `${p.id}-s${k}.png`;
      const stagedPath = path.join(dir, fileName);
      await fs.promises.writeFile(stagedPath, png);
      return { fileName, promptId: p.id, seed: k, stagedPath, sha256: createHash("sha256").update(png).digest("hex"), bytes: png.length, width: size, height: size, format: "png" };
    }),
  );
}

type PendingRun = { id: string; variant: string; guidanceScale: number };

function unfinishedDemoRuns(): PendingRun[] {
  return getDb()
    .select({ id: runs.id, variant: variants.name, guidanceScale: runs.guidanceScale })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(and(eq(runs.isDemo, true), inArray(runs.status, ["queued", "scoring"])))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .all();
}

/**
 * Works the queue in-process until it is empty (the worker takes any queued job, so runs
 * uploaded meanwhile are scored too) and prints a line as each demo run finishes.
 */
async function scorePending(pending: PendingRun[], opts: SeedDemoOptions, log: (line: string) => void) {
  const db = getDb();
  const evaluator = opts.evaluator ?? (await getServiceEvaluator());
  log(`scoring ${pending.length} demo run${pending.length === 1 ? "" : "s"} with ${evaluator.identity.id}${evaluator.identity.isFixture ? " (random-weight test evaluator: scores not meaningful)" : ""}`);
  const finished = new Set<string>();
  let scored = 0;
  let failed = 0;
  const width = String(pending.length).length;
  const report = () => {
    const open = pending.filter((p) => !finished.has(p.id));
    if (open.length === 0) return;
    const rows = db
      .select({ id: runs.id, status: runs.status, error: runs.error, clipScore: runScores.clipScore, diversity: runScores.diversity, n: runScores.n })
      .from(runs)
      .leftJoin(runScores, and(eq(runScores.runId, runs.id), eq(runScores.evaluatorId, runs.evaluatorId)))
      .where(
        and(
          inArray(
            runs.id,
            open.map((p) => p.id),
          ),
          inArray(runs.status, ["scored", "failed"]),
        ),
      )
      .all();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const p of open) {
      const r = byId.get(p.id);
      if (!r) continue;
      finished.add(p.id);
      const label = `[${String(finished.size).padStart(width)}/${pending.length}] ${p.variant} @ guidance ${p.guidanceScale}`;
      if (r.status === "scored") {
        scored++;
        log(`${label}: scored ${r.n} samples, CLIP score ${fmt(r.clipScore, 2)}, diversity ${fmt(r.diversity, 4)}`);
      } else {
        failed++;
        log(`${label}: FAILED: ${r.error ?? "unknown error"}`);
      }
    }
  };
  // The worker logs after every chunk and job; each is a cue to look for newly finished runs.
  await startWorker({ exitWhenIdle: true, evaluator, signal: opts.signal, log: report });
  report();
  opts.signal?.throwIfAborted();
  const runsPending = pending.length - finished.size;
  if (runsPending > 0) log(`${runsPending} demo run${runsPending === 1 ? " is" : "s are"} still being scored by another worker`);
  return { runsScored: scored, runsFailed: failed, runsPending };
}

const fmt = (x: number | null, digits: number) => (x === null ? "n/a" : x.toFixed(digits));
