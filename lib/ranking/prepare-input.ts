// Checks the ranking input and lays it out for the bootstrap: every run's per-prompt
// columns aligned on one prompt order (the first run's), runs of each variant sorted
// by guidance scale. Bad input is a 422 naming the run and the prompts at fault,
// because a ranking over runs scored on different prompts would compare unlike things.
import { AppError } from "../core/errors";
import { runPromptArrays } from "./run-points";
import type { PreparedInput, PromptId, PromptStat, RankingVariant } from "./types";

// Diversity lies in [0, 2] (lib/metrics/pairwise-diversity.ts); a cosine sum in [−n, n].
const TOLERANCE = 1e-6;

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new AppError("validation_failed", message, details);
}

const listIds = (ids: PromptId[]) =>
  ids
    .slice(0, 5)
    .map((id) => JSON.stringify(id))
    .join(", ") + (ids.length > 5 ? ` and ${ids.length - 5} more` : "");

/**
 * `distinctVariants: false` lets the head-to-head compare a variant with itself
 * (same variant and run ids twice).
 */
export function prepareInput(
  variants: readonly RankingVariant[],
  opts: { distinctVariants?: boolean } = {},
): PreparedInput {
  if (!Array.isArray(variants as unknown)) invalid("variants must be an array");
  const distinct = opts.distinctVariants ?? true;
  const seenVariants = new Set<string>();
  const seenRuns = new Set<string>();
  let order: Map<PromptId, number> | null = null;
  let promptIds: PromptId[] = [];
  let reference = "";
  const out: PreparedInput = { promptIds, runs: [], variants: [] };

  variants.forEach((variant, v) => {
    if (typeof variant?.variantId !== "string") invalid(`variant ${v} has no variantId string`);
    if (!Array.isArray(variant.runs as unknown)) invalid(`variant "${variant.variantId}" has no runs array`);
    if (distinct && seenVariants.has(variant.variantId)) invalid(`variant "${variant.variantId}" is listed twice`);
    seenVariants.add(variant.variantId);
    const runIdx: number[] = [];
    for (const run of variant.runs) {
      const where = `run "${run?.runId}" of variant "${variant.variantId}"`;
      if (typeof run?.runId !== "string") invalid(`a run of variant "${variant.variantId}" has no runId string`);
      if (distinct && seenRuns.has(run.runId)) invalid(`${where} is listed twice`);
      seenRuns.add(run.runId);
      if (!Number.isFinite(run.guidanceScale))
        invalid(`${where} has guidance scale ${run.guidanceScale}; it must be a finite number`);
      const replicate = run.replicate ?? null;
      if (replicate !== null && (typeof replicate !== "string" || replicate.length === 0))
        invalid(`${where} has replicate ${JSON.stringify(replicate)}; it must be a non-empty string or null`);
      const vendi = run.vendi ?? null;
      if (vendi !== null && !Number.isFinite(vendi))
        invalid(`${where} has Vendi score ${vendi}; it must be finite or null`);
      if (!Array.isArray(run.prompts as unknown) || run.prompts.length === 0)
        invalid(`${where} has no per-prompt statistics`);
      run.prompts.forEach((p, i) => checkPrompt(p, i, where));

      if (order === null) {
        order = new Map();
        for (const p of run.prompts) {
          if (order.has(p.promptId)) invalid(`${where} lists prompt ${JSON.stringify(p.promptId)} twice`);
          order.set(p.promptId, order.size);
        }
        promptIds = [...order.keys()];
        out.promptIds = promptIds;
        reference = where;
      }
      out.runs.push({
        runId: run.runId,
        guidanceScale: run.guidanceScale,
        replicate,
        vendi,
        variant: v,
        arrays: runPromptArrays(align(run.prompts, order, promptIds, where, reference)),
      });
      runIdx.push(out.runs.length - 1);
    }
    runIdx.sort(
      (i, j) =>
        out.runs[i]!.guidanceScale - out.runs[j]!.guidanceScale || (out.runs[i]!.runId < out.runs[j]!.runId ? -1 : 1),
    );
    // Replicates in label order, the unlabelled runs last.
    const labels = [...new Set(runIdx.map((i) => out.runs[i]!.replicate))].sort((a, b) =>
      a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0,
    );
    out.variants.push({
      variantId: variant.variantId,
      runs: runIdx,
      replicates: labels.map((label) => ({ label, runs: runIdx.filter((i) => out.runs[i]!.replicate === label) })),
    });
  });
  return out;
}

function checkPrompt(p: PromptStat, i: number, where: string): void {
  const kind = typeof p?.promptId;
  if (kind !== "number" && kind !== "string") invalid(`${where}: prompt entry ${i} has no promptId (number or string)`);
  if (
    Number.isInteger(p.n) &&
    p.n >= 0 &&
    Number.isFinite(p.cosSum) &&
    Math.abs(p.cosSum) <= p.n * (1 + TOLERANCE) + TOLERANCE &&
    (p.diversity === null || (p.diversity >= -TOLERANCE && p.diversity <= 2 + TOLERANCE)) &&
    (p.cosSqSum === undefined || p.cosSqSum === null || (p.cosSqSum >= 0 && p.cosSqSum <= p.n * (1 + TOLERANCE)))
  )
    return;
  // Only a failing entry pays for building its message.
  const at = `${where}, prompt ${JSON.stringify(p.promptId)}`;
  if (!Number.isInteger(p.n) || p.n < 0) invalid(`${at}: n = ${p.n}; it must be an integer >= 0 (the scored images)`);
  if (!Number.isFinite(p.cosSum) || Math.abs(p.cosSum) > p.n * (1 + TOLERANCE) + TOLERANCE) {
    invalid(`${at}: cosSum = ${p.cosSum} with n = ${p.n}; it must be a sum of n cosines, so within [−n, n]`);
  }
  if (
    p.diversity !== null &&
    !(Number.isFinite(p.diversity) && p.diversity >= -TOLERANCE && p.diversity <= 2 + TOLERANCE)
  ) {
    invalid(`${at}: diversity = ${p.diversity}; pairwise diversity lies in [0, 2] (or null with fewer than 2 images)`);
  }
  invalid(`${at}: cosSqSum = ${p.cosSqSum} with n = ${p.n}; it must be a sum of n squared cosines, so within [0, n]`);
}

/** The run's prompts reordered to the reference order; any missing, extra or repeated id is rejected. */
function align(
  prompts: readonly PromptStat[],
  order: Map<PromptId, number>,
  promptIds: PromptId[],
  where: string,
  reference: string,
): PromptStat[] {
  const aligned = new Array<PromptStat | undefined>(promptIds.length);
  const extra: PromptId[] = [];
  for (const p of prompts) {
    const k = order.get(p.promptId);
    if (k === undefined) extra.push(p.promptId);
    else if (aligned[k] !== undefined) invalid(`${where} lists prompt ${JSON.stringify(p.promptId)} twice`);
    else aligned[k] = p;
  }
  const missing = promptIds.filter((_, k) => aligned[k] === undefined);
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length > 0 ? `lacks prompts ${listIds(missing)}` : "",
      extra.length > 0 ? `has prompts ${listIds(extra)} that ${reference} lacks` : "",
    ].filter(Boolean);
    invalid(
      `prompt ids do not match across runs: ${where} ${parts.join(" and ")} (compared with ${reference}); every run must be scored on the same prompts`,
      {
        run: where,
        missing,
        extra,
      },
    );
  }
  return aligned as PromptStat[];
}
