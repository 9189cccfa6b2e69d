import type { Metadata } from "next";
import Link from "next/link";
import { DemoBadge, StatusBadge } from "@/app/_components/badges";
import { toSeries } from "@/app/_components/board-series";
import { CONDITIONING_LABELS, fmt, fmtCi } from "@/app/_components/format";
import { ManageActions } from "@/app/_components/manage-actions";
import { SettingsDifferBadge } from "@/app/_components/settings-differ-badge";
import { SourceFilter } from "@/app/_components/source-filter";
import { DownloadLinks, TradeoffChart } from "@/app/_components/tradeoff-chart";
import { UserText } from "@/app/_components/user-text";
import { orNotFound } from "@/app/_components/or-not-found";
import { getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { variantNotRankedReason } from "@/lib/leaderboard/variant-not-ranked-reason";
import { pickablePromptSets } from "@/lib/prompt-sets/list-prompt-sets";
import { listRuns } from "@/lib/runs/list-runs";
import { loadRunSettings } from "@/lib/runs/load-run-settings";
import { matchesSourceFilter, runSourceFilterSchema } from "@/lib/runs/ranked-runs-filter";
import { settingsOutliers } from "@/lib/runs/settings-outliers";
import { sameScaleGroups } from "@/lib/runs/same-scale-runs";
import { getVariantOrThrow } from "@/lib/variants/get-variant-or-throw";
import { GenerateForm } from "./generate-form";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ promptSet?: string; evaluator?: string; source?: string; replicate?: string }>;
};

const loadVariant = (id: string) => orNotFound(() => getVariantOrThrow(id));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${loadVariant((await params).id).name} — variant` };
}

export default async function VariantPage({ params, searchParams }: Props) {
  const variant = loadVariant((await params).id);
  const sp = await searchParams;
  const source = runSourceFilterSchema.safeParse(sp.source).data;
  const allRuns = listRuns({ variant: variant.name, limit: 200 }).runs;
  const replicates = [...new Set(allRuns.map((r) => r.replicate))];
  const replicateFilter =
    sp.replicate && (sp.replicate === "none" || replicates.includes(sp.replicate)) ? sp.replicate : undefined;
  const runs = allRuns.filter(
    (r) =>
      matchesSourceFilter(r, source) &&
      (!replicateFilter || (replicateFilter === "none" ? r.replicate === null : r.replicate === replicateFilter)),
  );
  const sets = [...new Set(allRuns.map((r) => r.promptSet.name))];
  const setName = sp.promptSet && sets.includes(sp.promptSet) ? sp.promptSet : sets[0];
  const board = setName ? getRankedBoard(setName, { evaluatorId: sp.evaluator, source }) : undefined;
  const differs = settingsOutliers(loadRunSettings(allRuns.map((r) => r.id)));
  const sameScale = sameScaleGroups(allRuns);
  const entry = board?.ranking
    ? [...board.ranking.ranked, ...board.ranking.unranked].find((v) => v.variantId === variant.id)
    : undefined;
  const ranked = board?.ranking?.ranked.find((v) => v.variantId === variant.id);
  const coverage = new Map((board?.runs ?? []).map((r) => [r.runId, r.promptsCovered]));
  const partialOf = (runId: string) => {
    const n = coverage.get(runId);
    return board && n !== undefined && n < board.setPrompts ? `${n} of ${board.setPrompts} prompts` : undefined;
  };

  return (
    <div>
      <h1 className="text-2xl font-semibold">
        <UserText text={variant.name} expand={false} />
        <DemoBadge show={variant.isDemo} />
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        {CONDITIONING_LABELS[variant.conditioningType] ?? variant.conditioningType}
        {variant.model && (
          <>
            {" · "}
            <UserText text={variant.model} />
          </>
        )}
      </p>
      {variant.hiddenAt && (
        <p className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="hidden-banner">
          Hidden from rankings since {variant.hiddenAt.toISOString().slice(0, 10)}:{" "}
          <UserText text={variant.hiddenReason ?? "no reason given"} />.
        </p>
      )}
      {variant.description && (
        <p className="mt-2 max-w-3xl text-sm">
          <UserText text={variant.description} max={2000} />
        </p>
      )}
      {variant.links.length > 0 && (
        <ul className="mt-1 text-sm">
          {variant.links.map((l) => (
            <li key={l}>
              <a href={l} className="underline" rel="noreferrer noopener">
                <UserText text={l} expand={false} />
              </a>
            </li>
          ))}
        </ul>
      )}

      {board && entry && (
        <section aria-labelledby="curve" className="mt-6">
          <h2 id="curve" className="text-lg font-semibold">
            Diversity–fidelity curve on <UserText text={board.promptSet.name} expand={false} /> v
            {board.promptSet.version}
          </h2>
          {sets.length > 1 && (
            <p className="text-sm">
              Other prompt sets:{" "}
              {sets
                .filter((s) => s !== setName)
                .map((s) => (
                  <Link
                    key={s}
                    href={`/variants/${variant.id}?promptSet=${encodeURIComponent(s)}`}
                    className="mr-2 underline"
                  >
                    <UserText text={s} expand={false} />
                  </Link>
                ))}
            </p>
          )}
          <p className="mt-1 text-sm">
            {ranked ? (
              <>
                Rank <strong>{ranked.rank}</strong>
                {ranked.rankWorst > ranked.rank ? ` (the tests allow ${ranked.rank}–${ranked.rankWorst})` : ""};
                fidelity at diversity {fmt(board.ranking?.diversity?.value)} {fmt(ranked.score, 2)}{" "}
                {fmtCi(ranked.ci, 2)} (method v{board.methodVersion}).
              </>
            ) : (
              <>Not ranked: {"reason" in entry ? entry.reason : ""}</>
            )}{" "}
            {board.evaluator?.warning && (
              <span className="font-medium text-amber-800">Evaluator: {board.evaluator.warning}.</span>
            )}
          </p>
          <TradeoffChart
            series={[
              toSeries(variant.name, entry.curve, entry.fitted, (id) => board.runs.find((r) => r.runId === id)?.source),
            ]}
            level={board.ranking?.diversity?.value}
            evaluatorNote={board.evaluator ? `Evaluator ${board.evaluator.id}.` : undefined}
          />
          <DownloadLinks
            href={`/api/v1/plot-data?view=variant&variant=${encodeURIComponent(variant.id)}&promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${source ? `&source=${source}` : ""}`}
          />
        </section>
      )}

      {board && !entry && (
        <p className="mt-6 text-sm" data-testid="variant-not-ranked">
          Not on the <UserText text={board.promptSet.name} /> ranking:{" "}
          {variantNotRankedReason({
            variantHidden: variant.hiddenAt !== null,
            runs: allRuns.filter((r) => r.promptSet.name === board.promptSet.name),
            boardEvaluatorId: board.evaluator?.id ?? null,
            excludedReason: board.excluded.find((x) => x.variantId === variant.id)?.reason,
          })}
          .
        </p>
      )}

      <section aria-labelledby="runs" className="mt-8">
        <h2 id="runs" className="text-lg font-semibold">
          Runs
        </h2>
        <form method="get" className="mt-2 flex items-end gap-3 text-sm" aria-label="Run filters">
          {sp.promptSet && <input type="hidden" name="promptSet" value={sp.promptSet} />}
          {sp.evaluator && <input type="hidden" name="evaluator" value={sp.evaluator} />}
          <SourceFilter value={source} />
          {replicates.some((r) => r !== null) && (
            <label className="flex flex-col">
              Replicate
              <select
                name="replicate"
                defaultValue={replicateFilter ?? ""}
                className="mt-1 rounded border border-slate-300 px-2 py-1"
                data-testid="replicate-filter"
              >
                <option value="">all replicates</option>
                {replicates.map((r) => (
                  <option key={r ?? "none"} value={r ?? "none"}>
                    {r ?? "(unlabelled)"}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="submit"
            className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700"
          >
            Apply
          </button>
        </form>
        {differs.size > 0 && (
          <p className="mt-2 text-sm text-amber-800">
            ≠ marks runs whose settings differ from the rest of their curve (hover for what differs): their points may
            not be comparable.
          </p>
        )}
        {sameScale.size > 0 && (
          <p className="mt-2 text-sm text-amber-800" data-testid="same-scale-note">
            ×2 marks a guidance scale with more than one run on one prompt set: a replicate (the same settings again, to
            measure noise) or a duplicate (the same samples uploaded twice)? The curve shows each as its own point;
            delete a duplicate.
          </p>
        )}
        <div className="overflow-x-auto">
          <table className="mt-2 w-full min-w-[40rem] border-collapse bg-white text-sm" data-testid="variant-runs">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="p-2">
                  Run
                </th>
                <th scope="col" className="p-2">
                  Prompt set
                </th>
                <th scope="col" className="p-2">
                  Guidance
                </th>
                <th scope="col" className="p-2" title="Which trained copy of the variant made the run">
                  Replicate
                </th>
                <th scope="col" className="p-2">
                  Status
                </th>
                <th scope="col" className="p-2">
                  CLIP score
                </th>
                <th scope="col" className="p-2">
                  Diversity
                </th>
                <th scope="col" className="p-2">
                  Vendi
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-b border-slate-100">
                  <td className="p-2">
                    <Link href={`/runs/${r.id}`} className="underline">
                      {r.id}
                    </Link>
                    <DemoBadge show={r.isDemo} />
                    {differs.has(r.id) && (
                      <SettingsDifferBadge
                        label={differs
                          .get(r.id)!
                          .map((d) => d.setting)
                          .join(", ")}
                        title={differs
                          .get(r.id)!
                          .map((d) => `${d.setting}: ${d.value ?? "none"} (others: ${d.usual ?? "none"})`)
                          .join("; ")}
                        testId="settings-differ"
                      />
                    )}
                    {partialOf(r.id) && (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 text-xs font-medium text-amber-900"
                        title="It lacks some of the prompt set's prompts: its numbers average fewer prompts, and it is left out of the ranking unless partial runs are included"
                        data-testid="run-partial"
                      >
                        {partialOf(r.id)}
                      </span>
                    )}
                    {sameScale.has(r.id) && (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900"
                        title={`a second run at guidance ${r.guidanceScale}: replicate or duplicate? Also at this scale: ${sameScale.get(r.id)!.join(", ")}`}
                        data-testid="same-scale"
                      >
                        ×{sameScale.get(r.id)!.length + 1} at guidance {r.guidanceScale}: replicate or duplicate?
                      </span>
                    )}
                    {r.hiddenReason && (
                      <span
                        className="ml-1 rounded bg-slate-200 px-1 text-xs text-slate-700"
                        title={r.hiddenReason}
                        data-testid="run-hidden"
                      >
                        hidden
                      </span>
                    )}
                  </td>
                  <td className="p-2">
                    <UserText text={r.promptSet.name} />
                  </td>
                  <td className="p-2">{r.guidanceScale}</td>
                  <td className="p-2" data-testid="run-replicate">
                    {r.replicate === null ? "—" : <UserText text={r.replicate} expand={false} />}
                  </td>
                  <td className="p-2">
                    <StatusBadge status={r.status} />
                    {r.status === "generating" && r.generated && (
                      <span className="ml-1 text-xs text-slate-500">
                        {r.generated.done} / {r.generated.total}
                      </span>
                    )}
                  </td>
                  <td className="p-2">{fmt(r.scores?.clipScore ?? null, 2)}</td>
                  <td className="p-2">{fmt(r.scores?.diversity ?? null)}</td>
                  <td className="p-2">{fmt(r.scores?.vendi ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <ManageActions
        kind="variant"
        id={variant.id}
        hidden={variant.hiddenAt !== null}
        afterDelete="/"
        variant={{ name: variant.name, description: variant.description, links: variant.links }}
      />

      <section aria-labelledby="generate" className="mt-8">
        <h2 id="generate" className="text-lg font-semibold">
          Generate samples
        </h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Makes one run per guidance scale. GPU workers that declare this variant pick up the work (
          <code>npm run gpu-worker -- --variant {variant.name}</code> with a worker token from{" "}
          <code>npm run worker-token -- create --name NAME</code>); each run is scored as soon as its samples are in.
        </p>
        <GenerateForm variant={variant.name} promptSets={pickablePromptSets()} defaultPromptSet={setName} />
      </section>
    </div>
  );
}
