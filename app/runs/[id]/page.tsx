import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { DemoBadge, StatusBadge } from "@/app/_components/badges";
import { ManageActions } from "@/app/_components/manage-actions";
import { CONDITIONING_LABELS, fmt, fmtCi } from "@/app/_components/format";
import { orNotFound } from "@/app/_components/or-not-found";
import { leaderboardUrl } from "@/lib/leaderboard/run-leaderboard";
import { getRunOrThrow, type RunDetail } from "@/lib/runs/get-run-or-throw";
import { RUN_PROMPT_SORTS, runPromptsPage, type RunPromptSort } from "@/lib/runs/run-prompts-page";
import { ownerSentence, type RunProvenance } from "@/lib/runs/run-provenance";
import { listRunSamples } from "@/lib/runs/list-run-samples";
import { rescoreApplies } from "@/lib/runs/rescore-run";
import { serviceEvaluatorIdentity } from "@/lib/scoring/service-evaluator";
import { RunActions } from "./run-actions";
import { RunProgress } from "./run-progress";
import { UserText } from "@/app/_components/user-text";
import { ReferenceMetricsTable, referenceSetLink } from "@/app/_components/reference-metrics-table";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ sort?: string; dir?: string; page?: string }>;
};

/** Failed samples listed on the page; the per-sample CSV has all of them. */
const PAGE_ERRORS = 50;
/** Characters of a prompt in a grid heading's hover title and in an image's alt text (the table shows it whole on demand): a page of long prompts stays bounded. */
const TITLE_CHARS = 1000;
const ALT_CHARS = 100;

// The page reads its prompts a page at a time (run-prompts-page.ts), never the whole run; one
// load per request for the metadata and the page.
const load = cache((id: string): RunDetail =>
  orNotFound(() => getRunOrThrow(id, { promptRows: false, maxErrors: PAGE_ERRORS })),
);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const run = load((await params).id);
  return { title: `Run: ${run.variant.name} at guidance ${run.guidanceScale} (${run.status})` };
}

const SORTABLE: Record<RunPromptSort, string> = { clipScore: "CLIP score", diversity: "Diversity" };
type SortKey = RunPromptSort;

const clip = (text: string, n: number) => {
  const chars = Array.from(text);
  return chars.length > n ? `${chars.slice(0, n).join("")}…` : text;
};

/** "Prompts 26–50 of 1,990" with links to the previous and next page (sort kept). */
function Pager({
  page,
  pages,
  total,
  size,
  href,
}: {
  page: number;
  pages: number;
  total: number;
  size: number;
  href: (p: number) => string;
}) {
  if (pages <= 1) return null;
  const first = (page - 1) * size + 1;
  const last = Math.min(page * size, total);
  return (
    <nav aria-label="Prompt pages" className="mt-2 flex items-center gap-3 text-sm" data-testid="prompt-pager">
      <span>
        Prompts {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {total.toLocaleString("en-US")} (page{" "}
        {page} of {pages})
      </span>
      {page > 1 && (
        <Link href={href(page - 1)} className="underline" rel="prev">
          ← previous
        </Link>
      )}
      {page < pages && (
        <Link href={href(page + 1)} className="underline" rel="next" data-testid="prompt-pager-next">
          next →
        </Link>
      )}
    </nav>
  );
}

/** How a generated run's samples were made: the generation's settings and who made them. */
function Provenance({ p }: { p: RunProvenance }) {
  return (
    <section aria-labelledby="provenance" className="mt-4 text-sm" data-testid="provenance">
      <h2 id="provenance" className="font-semibold">
        Provenance
      </h2>
      <p className="text-slate-700">
        {p.steps} steps · sampler {p.sampler} · {p.width}×{p.height} · seed {p.seed} · negative prompt{" "}
        {p.negativePrompt ? `“${p.negativePrompt}”` : "none"}
      </p>
      {p.producers.length === 0 ? (
        <p className="text-slate-500">No task finished yet.</p>
      ) : (
        <ul className="list-disc pl-5">
          {p.producers.map((m, i) => (
            <li key={i}>
              engine {m.engine ?? "not reported"} · model{" "}
              {m.model ? `${m.model.name ?? "?"} (sha256 ${m.model.sha256 ?? "not reported"})` : "not reported"} ·
              worker {m.worker ?? "?"} · {m.tasks} task{m.tasks === 1 ? "" : "s"}
            </li>
          ))}
        </ul>
      )}
      {p.producers.length > 1 && (
        <p className="font-medium text-amber-800">Its samples come from more than one engine, model or worker.</p>
      )}
    </section>
  );
}

export default async function RunPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = await searchParams;
  const run = load(id);
  const installed = (await serviceEvaluatorIdentity().catch(() => undefined))?.id;
  const sortKey = (RUN_PROMPT_SORTS as readonly string[]).includes(sp.sort ?? "") ? (sp.sort as SortKey) : undefined;
  const dir = sp.dir === "asc" ? "asc" : "desc";
  const evaluatorId = run.metrics?.evaluatorId ?? run.evaluator?.id ?? null;
  const page = runPromptsPage(run.id, evaluatorId, { page: Number(sp.page) || 1, sort: sortKey, dir });
  const prompts = page.scored ? page.rows : [];
  const grids = new Map(
    listRunSamples(run.id, evaluatorId, { promptRowIds: page.rows.map((r) => r.promptRowId) }).map((g) => [
      g.promptId,
      g,
    ]),
  );
  const order = page.rows.map((p) => p.promptId);
  const pageHref = (n: number) =>
    `/runs/${run.id}?${new URLSearchParams({ ...(sortKey ? { sort: sortKey, dir } : {}), page: String(n) })}`;
  const pager = <Pager page={page.page} pages={page.pages} total={page.total} size={page.pageSize} href={pageHref} />;
  const m = run.metrics?.run;
  const labels = Object.fromEntries((run.metrics?.labels ?? []).map((l) => [l.name, l.label]));

  const sortLink = (key: SortKey) => {
    const nextDir = sortKey === key && dir === "desc" ? "asc" : "desc";
    return `/runs/${run.id}?sort=${key}&dir=${nextDir}`;
  };

  return (
    <div>
      <p className="text-sm text-slate-500">
        <Link href={`/variants/${run.variant.id}`} className="underline">
          <UserText text={run.variant.name} expand={false} />
        </Link>{" "}
        · {CONDITIONING_LABELS[run.variant.conditioningType] ?? run.variant.conditioningType} · on the leaderboard of
        prompt set{" "}
        <Link href={leaderboardUrl(run.promptSet.name)} className="underline" data-testid="run-leaderboard">
          <UserText text={run.promptSet.name} expand={false} /> v{run.promptSet.version}
        </Link>
        {run.promptSet.isImplicit ? " (made from uploads)" : ""}
      </p>
      <h1 className="mt-1 text-2xl font-semibold">
        Run {run.id} <StatusBadge status={run.status} />
        <DemoBadge show={run.isDemo} />
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        guidance {run.guidanceScale}
        {run.replicate !== null && (
          <span data-testid="run-replicate">
            {" · replicate "}
            <Link
              href={`/variants/${run.variant.id}?replicate=${encodeURIComponent(run.replicate)}`}
              className="underline"
              title="Which trained copy of the variant made the run; the variant page lists its other runs"
            >
              <UserText text={run.replicate} expand={false} />
            </Link>
          </span>
        )}
        {run.sampler && (
          <>
            {" · "}
            <UserText text={run.sampler} />
          </>
        )}
        {run.steps ? ` · ${run.steps} steps` : ""} · source {run.source}
        {run.generation && (
          <>
            {" "}
            (generation{" "}
            <Link href={`/generations/${run.generation.id}`} className="underline" data-testid="run-generation">
              {run.generation.id}
            </Link>
            )
          </>
        )}
        {run.evaluator ? ` · evaluator ${run.evaluator.id}` : ""}
      </p>
      {run.owner && (
        <p className="mt-1 text-xs text-slate-500" data-testid="run-owner">
          {ownerSentence(run.source, run.owner.name)}
        </p>
      )}
      {run.hidden && (
        <p className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="hidden-banner">
          Hidden from rankings{run.hidden.by === "variant" ? " with its variant" : ""} since{" "}
          {run.hidden.at.toISOString().slice(0, 10)}: <UserText text={run.hidden.reason ?? "no reason given"} />.
        </p>
      )}
      {run.evaluator?.warning && (
        <p className="mt-1 text-sm font-medium text-amber-800">Evaluator: {run.evaluator.warning}.</p>
      )}
      {run.provenance && <Provenance p={run.provenance} />}
      <RunProgress
        key={run.status}
        id={run.id}
        initial={{
          status: run.status,
          done: run.progress.done,
          total: run.progress.total,
          generation: run.generation && { done: run.generation.done, total: run.generation.total },
        }}
      />
      {run.error && (
        <p className="rounded bg-rose-50 p-3 text-sm text-rose-900">
          Run failed: <UserText text={run.error} />
        </p>
      )}
      {run.status === "failed" && <RunActions id={run.id} action="retry" />}
      {installed && rescoreApplies(run.id, installed) && (
        <RunActions id={run.id} action="rescore" evaluator={installed} />
      )}

      {m && (
        <section aria-labelledby="summary" className="mt-6">
          <h2 id="summary" className="text-lg font-semibold">
            Summary
          </h2>
          <dl className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-4">
            {(
              [
                ["clipScore", m.clipScore, m.ci.clipScore, 2],
                ["clipS", m.clipS, m.ci.clipS, 3],
                ["diversity", m.diversity, m.ci.diversity, 3],
                ["vendi", m.vendi, m.ci.vendi, 3],
              ] as const
            ).map(([name, v, ci, d]) => (
              <div key={name} className="rounded border border-slate-200 bg-white p-3" data-testid={`metric-${name}`}>
                <dt className="text-xs text-slate-500" title={labels[name]}>
                  {name}
                </dt>
                <dd className="text-xl font-semibold">{fmt(v, d)}</dd>
                <dd className="text-xs text-slate-500">95% CI {fmtCi(ci, d)}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-xs text-slate-500">
            {m.n} samples, {m.failed} failed. CIs: percentile bootstrap over prompts. {labels.clipScore}.
          </p>
        </section>
      )}

      {(run.metrics?.reference.length ?? 0) > 0 && (
        <section aria-labelledby="against-references" className="mt-8">
          <h2 id="against-references" className="text-lg font-semibold">
            Against reference sets
          </h2>
          <ReferenceMetricsTable
            first="Reference set"
            rows={run.metrics!.reference.map((r) => ({
              key: r.referenceSet.id,
              label: referenceSetLink(r),
              metrics: r,
            }))}
          />
        </section>
      )}

      {run.metrics?.featureSpaces.map((fs) => (
        <section
          key={fs.featureSpace.id}
          aria-labelledby={`space-${fs.featureSpace.id}`}
          className="mt-8"
          data-testid="feature-space"
        >
          <h2 id={`space-${fs.featureSpace.id}`} className="text-lg font-semibold">
            Against reference sets in {fs.featureSpace.label} features
          </h2>
          <p className="text-xs text-slate-500">
            Image feature extractor {fs.featureSpace.id}: distribution metrics only, on its raw features.
            {fs.featureSpace.warning ? ` ${fs.featureSpace.warning}.` : ""}
          </p>
          <ReferenceMetricsTable
            first="Reference set"
            rows={fs.reference.map((r) => ({ key: r.referenceSet.id, label: referenceSetLink(r), metrics: r }))}
          />
        </section>
      ))}

      {prompts.length > 0 && (
        <section aria-labelledby="per-prompt" className="mt-8">
          <h2 id="per-prompt" className="text-lg font-semibold">
            Per prompt
          </h2>
          {pager}
          <div className="mt-2 overflow-x-auto">
            <table className="w-full min-w-[36rem] border-collapse bg-white text-sm" data-testid="prompt-table">
              <thead>
                <tr className="border-b border-slate-200 text-left">
                  {/* On a phone the prompt column stays in view while the numbers scroll under it. */}
                  <th scope="col" className="sticky left-0 z-10 min-w-[9rem] max-w-[45vw] bg-white p-2">
                    Prompt
                  </th>
                  <th scope="col" className="p-2 text-right">
                    n
                  </th>
                  {(Object.keys(SORTABLE) as SortKey[]).map((k) => (
                    <th
                      key={k}
                      scope="col"
                      className="p-2 text-right"
                      aria-sort={sortKey === k ? (dir === "asc" ? "ascending" : "descending") : "none"}
                    >
                      <Link href={sortLink(k)} className="underline decoration-dotted">
                        {SORTABLE[k]}
                        {sortKey === k ? (dir === "asc" ? " ▲" : " ▼") : ""}
                      </Link>
                    </th>
                  ))}
                  <th scope="col" className="p-2 text-right">
                    Vendi
                  </th>
                </tr>
              </thead>
              <tbody>
                {prompts.map((p) => (
                  <tr key={p.promptId} className="border-b border-slate-100">
                    <td className="sticky left-0 z-10 min-w-[9rem] max-w-[45vw] bg-white p-2">
                      <UserText text={p.prompt} />{" "}
                      <a
                        href={`#prompt-${p.promptId}`}
                        className="text-xs text-slate-500 underline"
                        aria-label="samples of this prompt"
                      >
                        samples
                      </a>{" "}
                      <Link
                        href={`/prompts/${encodeURIComponent(p.promptId)}?promptSet=${encodeURIComponent(run.promptSet.name)}${run.evaluator ? `&evaluator=${encodeURIComponent(run.evaluator.id)}` : ""}`}
                        className="text-xs text-slate-500 underline"
                        data-testid="prompt-side-by-side"
                      >
                        every variant
                      </Link>{" "}
                      <Link
                        href={`/variants/${run.variant.id}/prompts/${encodeURIComponent(p.promptId)}?promptSet=${encodeURIComponent(run.promptSet.name)}${run.evaluator ? `&evaluator=${encodeURIComponent(run.evaluator.id)}` : ""}`}
                        className="text-xs text-slate-500 underline"
                        data-testid="prompt-all-guidance"
                      >
                        all guidance scales
                      </Link>
                      {p.truncated && <span className="ml-1 text-xs text-amber-700">(truncated to 77 tokens)</span>}
                    </td>
                    <td className="p-2 text-right">{p.n}</td>
                    <td className="p-2 text-right">{fmt(p.clipScore, 2)}</td>
                    <td className="p-2 text-right" title={p.diversityReason ?? undefined}>
                      {fmt(p.diversity)}
                    </td>
                    <td className="p-2 text-right">{fmt(p.vendi)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <RunDownloads runId={run.id} evaluator={run.evaluator?.id} />
        </section>
      )}

      <section aria-labelledby="samples" className="mt-8">
        <h2 id="samples" className="text-lg font-semibold">
          Samples
        </h2>
        {prompts.length === 0 && pager}
        {order.map((pid) => {
          const g = grids.get(pid);
          if (!g) return null;
          return (
            <div key={pid} id={`prompt-${pid}`} className="mt-4" data-testid="sample-grid">
              <h3 className="text-sm font-medium">
                <UserText text={g.prompt} expand={false} titleMax={TITLE_CHARS} />
                {g.total > g.samples.length && (
                  <span className="ml-1 text-xs font-normal text-slate-500">
                    (first {g.samples.length} of {g.total} samples)
                  </span>
                )}
              </h3>
              <ul className="mt-2 grid grid-cols-4 gap-2 sm:grid-cols-6 md:grid-cols-8">
                {g.samples.map((s) => (
                  <li key={s.sampleId} className="overflow-hidden rounded border border-slate-200 bg-white">
                    <a
                      href={`/api/v1/images/${s.sha256}`}
                      title={`${s.fileName}${s.seed !== null ? ` · seed ${s.seed}` : ""}${s.cosine !== null ? ` · CLIP score ${(100 * s.cosine).toFixed(2)}` : ""}`}
                    >
                      {/* eslint-disable-next-line @next/next/no-img-element -- thumbnails are made and cached by our own route */}
                      <img
                        src={`/api/v1/images/${s.sha256}/thumb?size=160`}
                        alt={`sample ${s.sampleIndex + 1} for “${clip(g.prompt, ALT_CHARS)}”`}
                        loading="lazy"
                        className="aspect-square w-full object-cover"
                      />
                    </a>
                    {s.errorCode && <p className="p-1 text-xs text-rose-700">{s.errorCode}</p>}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>

      <ManageActions
        kind="run"
        id={run.id}
        hidden={run.hidden?.by === "run"}
        afterDelete={`/variants/${run.variant.id}`}
      />

      {run.errors.length > 0 && (
        <section aria-labelledby="errors" className="mt-8">
          <h2 id="errors" className="text-lg font-semibold">
            Samples that could not be scored
          </h2>
          {run.errorCount > run.errors.length && (
            <p className="text-sm text-slate-600">
              The first {run.errors.length} of {run.errorCount}; the{" "}
              <a className="underline" href={`/api/v1/runs/${run.id}/samples?format=csv`} download>
                per-sample CSV
              </a>{" "}
              lists every one.
            </p>
          )}
          <ul className="mt-2 list-disc pl-5 text-sm">
            {run.errors.map((e) => (
              <li key={e.sampleId}>
                <UserText text={e.fileName} />: {e.code}: <UserText text={e.message} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** CSV and JSON downloads of the run's tables: per-prompt metrics and per-sample scores. */
function RunDownloads({ runId, evaluator }: { runId: string; evaluator?: string }) {
  const q = (format: string) => `?format=${format}${evaluator ? `&evaluator=${encodeURIComponent(evaluator)}` : ""}`;
  const link = (what: "prompts" | "samples", format: "csv" | "json") => (
    <a
      className="underline"
      href={`/api/v1/runs/${runId}/${what}${q(format)}`}
      download
      data-testid={`download-${what}-${format}`}
    >
      {format.toUpperCase()}
    </a>
  );
  return (
    <p className="mt-1 text-xs text-slate-600">
      Download per-prompt metrics: {link("prompts", "csv")} · {link("prompts", "json")}; per-sample scores (file,
      prompt, seed, cosine, CLIP score, truncated): {link("samples", "csv")} · {link("samples", "json")}
    </p>
  );
}
