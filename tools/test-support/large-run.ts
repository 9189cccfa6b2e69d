// A run at the size limits, written straight into the database (no images to decode, no scoring):
// what the page-size tests, the e2e spec and `npm run bench:large-run` render and export. Default:
// 1,990 prompts of 10,000 characters × 10 samples = 19,900 samples, all scored by one evaluator.
import { createHash } from "node:crypto";
import { getDb } from "../../db/client";
import { newId } from "../../db/ids";
import {
  evaluators,
  images,
  promptScores,
  prompts,
  promptSets,
  runScores,
  runs,
  sampleScores,
  samples,
  variants,
} from "../../db/schema";

export type LargeRunOptions = { prompts?: number; perPrompt?: number; promptChars?: number; name?: string };

export type LargeRun = { runId: string; variantId: string; promptSetId: string; evaluatorId: string; samples: number };

const ROWS = 400;

export function insertLargeRun(opts: LargeRunOptions = {}): LargeRun {
  const nPrompts = opts.prompts ?? 1990;
  const perPrompt = opts.perPrompt ?? 10;
  const chars = opts.promptChars ?? 10_000;
  const name = opts.name ?? `large-${Math.random().toString(36).slice(2, 8)}`;
  const db = getDb();
  return db.transaction((tx) => {
    const evaluatorId = `large-evaluator-${name}`;
    tx.insert(evaluators)
      .values({ id: evaluatorId, name: "large-run test evaluator", variant: "fp32", isFixture: true, files: [] })
      .onConflictDoNothing()
      .run();
    const sha = createHash("sha256").update(name).digest("hex");
    tx.insert(images)
      .values({ sha256: sha, bytes: 100, format: "png", width: 64, height: 64 })
      .onConflictDoNothing()
      .run();
    const variantId = newId("var");
    tx.insert(variants).values({ id: variantId, name, conditioningType: "text_sequence" }).run();
    const promptSetId = newId("ps");
    tx.insert(promptSets).values({ id: promptSetId, name, version: 1 }).run();
    const filler = "a long prompt that goes on and on, ".repeat(Math.ceil(chars / 35));
    const promptRows = Array.from({ length: nPrompts }, (_, i) => ({
      promptSetId,
      promptKey: `p${i}`,
      text: `${i}: ${filler}`.slice(0, chars),
      position: i,
    }));
    const ids: number[] = [];
    for (let k = 0; k < promptRows.length; k += ROWS)
      ids.push(
        ...tx
          .insert(prompts)
          .values(promptRows.slice(k, k + ROWS))
          .returning({ id: prompts.id })
          .all()
          .map((r) => r.id),
      );
    const runId = newId("run");
    const total = nPrompts * perPrompt;
    tx.insert(runs)
      .values({
        id: runId,
        variantId,
        promptSetId,
        guidanceScale: 3,
        source: "uploaded",
        status: "scored",
        progressDone: total,
        progressTotal: total,
        evaluatorId,
        fingerprint: createHash("sha256").update(runId).digest("hex"),
      })
      .run();
    const sampleRows = ids.flatMap((promptId, i) =>
      Array.from({ length: perPrompt }, (_, s) => ({
        runId,
        promptId,
        seed: s,
        sampleIndex: s,
        imageSha256: sha,
        width: 64,
        height: 64,
        fileName: `prompt-${i}/sample-${s}.png`,
      })),
    );
    const sampleIds: number[] = [];
    for (let k = 0; k < sampleRows.length; k += ROWS)
      sampleIds.push(
        ...tx
          .insert(samples)
          .values(sampleRows.slice(k, k + ROWS))
          .returning({ id: samples.id })
          .all()
          .map((r) => r.id),
      );
    const scoreRows = sampleIds.map((sampleId, j) => ({
      sampleId,
      evaluatorId,
      cosine: 0.2 + ((j * 7919) % 1000) / 10_000,
      metricVersion: 1,
    }));
    for (let k = 0; k < scoreRows.length; k += ROWS)
      tx.insert(sampleScores)
        .values(scoreRows.slice(k, k + ROWS))
        .run();
    const psRows = ids.map((promptId, i) => ({
      runId,
      promptId,
      evaluatorId,
      n: perPrompt,
      failed: 0,
      clipScore: 20 + (i % 97) / 10,
      clipS: 0.5,
      diversity: 0.1 + (i % 89) / 1000,
      vendi: 2,
      truncated: true,
      metricVersions: {},
    }));
    for (let k = 0; k < psRows.length; k += ROWS)
      tx.insert(promptScores)
        .values(psRows.slice(k, k + ROWS))
        .run();
    const ci = { low: 0, high: 1, estimate: 0.5, level: 0.95, B: 1000, seed: 0 };
    tx.insert(runScores)
      .values({
        runId,
        evaluatorId,
        n: total,
        failed: 0,
        groups: nPrompts,
        clipScore: 25,
        clipS: 0.6,
        diversity: 0.15,
        vendi: 2,
        diversityGroups: nPrompts,
        truncatedPrompts: nPrompts,
        ci: { clipScore: ci, clipS: ci, diversity: ci, vendi: ci } as never,
        metricVersions: {},
      })
      .run();
    return { runId, variantId, promptSetId, evaluatorId, samples: total };
  });
}
