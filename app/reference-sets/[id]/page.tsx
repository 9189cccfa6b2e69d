import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { byFeatureSpace, ReferenceMetricsTable } from "@/app/_components/reference-metrics-table";
import { UserText } from "@/app/_components/user-text";
import { isAppError } from "@/lib/core/errors";
import { leaderboardUrl } from "@/lib/leaderboard/run-leaderboard";
import { getReferenceSetOrThrow, type ReferenceSetDetail } from "@/lib/reference-sets/get-reference-set-or-throw";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

function load(id: string): ReferenceSetDetail {
  try {
    return getReferenceSetOrThrow(decodeURIComponent(id));
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Reference set ${decodeURIComponent((await params).id)}` };
}

/** Prompts listed on the page: a set tied to a large prompt set stays a bounded page. */
const PAGE_PROMPTS = 100;

export default async function ReferenceSetPage({ params }: Props) {
  const set = load((await params).id);
  return (
    <div>
      <p className="text-sm text-slate-500">
        <Link href="/reference-sets" className="underline">
          Reference sets
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">
        <UserText text={set.name} expand={false} /> v{set.version}
      </h1>
      <p className="mt-1 text-sm text-slate-600" data-testid="reference-set-scope">
        {set.imageCount} images ·{" "}
        {set.promptSet ? (
          <>
            tied to prompt set{" "}
            <Link href={leaderboardUrl(set.promptSet.name)} className="underline">
              <UserText text={set.promptSet.name} expand={false} /> v{set.promptSet.version}
            </Link>
          </>
        ) : (
          "global: compared with every run"
        )}
        {set.description && (
          <>
            {" · "}
            <UserText text={set.description} />
          </>
        )}
      </p>

      <section aria-labelledby="runs" className="mt-6">
        <h2 id="runs" className="text-lg font-semibold">
          Runs scored against it
        </h2>
        {set.scores.length === 0 ? (
          <p className="mt-2 text-sm">None yet: runs are compared after they are scored.</p>
        ) : (
          byFeatureSpace(
            set.scores.map((s) => ({
              key: `${s.runId}-${s.evaluatorId}`,
              label: (
                <Link href={`/runs/${s.runId}`} className="underline">
                  <UserText text={s.variant} expand={false} /> @ {s.guidanceScale}
                </Link>
              ),
              metrics: s.metrics,
            })),
          ).map((g) => (
            <div
              key={g.space}
              className="mt-4"
              data-testid="feature-space"
              data-kind={g.rows[0]!.metrics.evaluator.kind ?? "clip"}
            >
              <h3 className="text-sm font-medium">
                {g.rows[0]!.metrics.evaluator.kind === "image-features"
                  ? `In ${g.rows[0]!.metrics.fdLabel.slice("FD_".length)} image features (${g.space})`
                  : `In the embedding space of the evaluator ${g.space}`}
              </h3>
              <ReferenceMetricsTable first="Run" rows={g.rows} />
            </div>
          ))
        )}
      </section>

      {set.prompts.length > 0 && (
        <section aria-labelledby="per-prompt" className="mt-8">
          <h2 id="per-prompt" className="text-lg font-semibold">
            Images per prompt
          </h2>
          {set.prompts.length > PAGE_PROMPTS && (
            <p className="text-sm text-slate-600">
              The first {PAGE_PROMPTS} of {set.prompts.length} prompts (GET /api/v1/reference-sets/{set.id} lists them
              all).
            </p>
          )}
          <ul className="mt-2 text-sm" data-testid="reference-prompts">
            {set.prompts.slice(0, PAGE_PROMPTS).map((p) => (
              <li key={p.promptId}>
                {p.images} × <UserText text={p.prompt} expand={false} titleMax={1000} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="images" className="mt-8">
        <h2 id="images" className="text-lg font-semibold">
          Images{set.imageCount > set.images.length ? ` (first ${set.images.length} of ${set.imageCount})` : ""}
        </h2>
        <ul className="mt-2 grid grid-cols-4 gap-2 sm:grid-cols-6 md:grid-cols-10">
          {set.images.map((i) => (
            <li key={i.fileName} className="overflow-hidden rounded border border-slate-200 bg-white">
              <a href={`/api/v1/images/${i.sha256}`} title={i.fileName}>
                {/* eslint-disable-next-line @next/next/no-img-element -- thumbnails are made and cached by our own route */}
                <img
                  src={`/api/v1/images/${i.sha256}/thumb?size=160`}
                  alt={`reference image ${i.fileName}`}
                  loading="lazy"
                  className="aspect-square w-full object-cover"
                />
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
