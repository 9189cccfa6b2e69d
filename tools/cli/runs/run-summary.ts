// The one-screen summary `npm run upload` prints when a run has finished (the whole run JSON
// only with --json): run id and page, prompt set and its leaderboard, headline metrics with
// their 95% CIs, failures, and the evaluator that produced the numbers.
import type { RunDetail } from "../../../lib/runs/get-run-or-throw";

type Ci = { low: number; high: number } | null | undefined;
type Summarised = Pick<
  RunDetail,
  "id" | "status" | "guidanceScale" | "variant" | "promptSet" | "evaluator" | "error" | "errors"
> & {
  metrics: {
    run: Pick<NonNullable<RunDetail["metrics"]>["run"], "n" | "failed" | "clipScore" | "diversity" | "vendi" | "ci">;
  } | null;
};

const num = (v: number | null | undefined, d: number) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(d);
const ci = (c: Ci, d: number) => (c ? `  (95% CI ${num(c.low, d)}–${num(c.high, d)})` : "");

/**
 * Lines of plain text, at most about 15, for a finished run fetched from GET /api/v1/runs/{id}.
 * `server` is the base URL (no trailing slash); `leaderboardUrl` the upload answer's
 * `leaderboard.url` (a path), when it had one.
 */
export function formatRunSummary(run: Summarised, server: string, leaderboardUrl?: string): string {
  const m = run.metrics?.run;
  const lines = [
    `run        ${run.id}  ${run.status}`,
    `variant    ${run.variant.name}  at guidance ${run.guidanceScale}`,
    `prompt set ${run.promptSet.name} v${run.promptSet.version}${run.promptSet.isImplicit ? " (made from uploads)" : ""}`,
    `page       ${server}/runs/${run.id}`,
  ];
  if (leaderboardUrl) lines.push(`leaderboard ${server}${leaderboardUrl}`);
  if (m) {
    lines.push(
      "",
      `CLIP score ${num(m.clipScore, 2)}${ci(m.ci.clipScore, 2)}   (torchmetrics: 100·cos, mean clamped at 0)`,
      `diversity  ${num(m.diversity, 3)}${ci(m.ci.diversity, 3)}   (1 − mean pairwise cosine)`,
      `Vendi      ${num(m.vendi, 3)}${ci(m.ci.vendi, 3)}`,
      `samples    ${m.n} scored, ${m.failed} failed${run.errors.length ? ` (first: ${run.errors[0]!.fileName}: ${run.errors[0]!.message})` : ""}`,
    );
  }
  if (run.evaluator)
    lines.push(`evaluator  ${run.evaluator.id}${run.evaluator.warning ? ` — ${run.evaluator.warning}` : ""}`);
  if (run.error) lines.push(`error      ${run.error}`);
  lines.push("", "(--json prints the whole run, with the per-prompt table)");
  return lines.join("\n") + "\n";
}
