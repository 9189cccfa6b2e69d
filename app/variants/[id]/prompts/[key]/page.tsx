import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { fmt, promptTitle } from "@/app/_components/format";
import { promptTextOf } from "@/app/_components/prompt-text-of";
import { orNotFound } from "@/app/_components/or-not-found";
import { SampleStrip } from "@/app/_components/sample-strip";
import { UserText } from "@/app/_components/user-text";
import { getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { listRuns } from "@/lib/runs/list-runs";
import { getPromptOrThrow, listPromptSamples, listPrompts } from "@/lib/samples/list-prompt-samples";
import { getVariantOrThrow } from "@/lib/variants/get-variant-or-throw";

export const dynamic = "force-dynamic";

type SP = { promptSet?: string; evaluator?: string };
type Props = { params: Promise<{ id: string; key: string }>; searchParams: Promise<SP> };

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { id, key } = await params;
  const variant = orNotFound(() => getVariantOrThrow(id));
  const set =
    (await searchParams).promptSet ??
    listRuns({ variant: variant.name, status: "scored", limit: 1 }).runs[0]?.promptSet.name;
  const text = set ? promptTextOf(set, key) : undefined;
  if (!text) return { title: "Prompt not found" };
  return { title: `${variant.name}: ${promptTitle(text)} at every guidance scale` };
}

/** One prompt's samples from one variant across all its guidance scales, as a grid (rows = guidance). */
export default async function VariantPromptGrid({ params, searchParams }: Props) {
  const { id, key: rawKey } = await params;
  const key = rawKey;
  const sp = await searchParams;
  const variant = orNotFound(() => getVariantOrThrow(id));
  const setName =
    sp.promptSet ?? listRuns({ variant: variant.name, status: "scored", limit: 1 }).runs[0]?.promptSet.name;
  if (!setName) notFound();
  const board = orNotFound(() => getRankedBoard(setName, { evaluatorId: sp.evaluator }));
  const prompt = orNotFound(() => getPromptOrThrow(board.promptSet.id, key));
  const entry = [...(board.ranking?.ranked ?? []), ...(board.ranking?.unranked ?? [])].find(
    (v) => v.variantId === variant.id,
  );
  const curve = [...(entry?.curve ?? [])].sort((a, b) => a.guidanceScale - b.guidanceScale);
  const rows = listPromptSamples(
    curve.map((c) => c.runId),
    prompt.id,
    board.evaluator?.id ?? null,
  );
  const prompts = listPrompts(board.promptSet.id);
  const idx = prompts.findIndex((p) => p.id === prompt.id);
  const here = (k: string) =>
    `/variants/${variant.id}/prompts/${encodeURIComponent(k)}?promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}`;

  return (
    <div>
      <p className="text-sm text-slate-500">
        <Link href={`/variants/${variant.id}`} className="underline">
          <UserText text={variant.name} expand={false} />
        </Link>{" "}
        on <UserText text={board.promptSet.name} expand={false} /> v{board.promptSet.version} · prompt {idx + 1} of{" "}
        {prompts.length} ·{" "}
        <Link
          href={`/prompts/${encodeURIComponent(prompt.promptKey)}?promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}`}
          className="underline"
          data-testid="prompt-view-link"
        >
          every variant side by side
        </Link>
      </p>
      <h1 className="mt-1 break-words text-2xl font-semibold">
        “<UserText text={prompt.text} />” at every guidance scale
      </h1>
      <nav aria-label="Prompts" className="mt-2 flex gap-2 text-sm">
        {idx > 0 && (
          <Link href={here(prompts[idx - 1]!.promptKey)} className="rounded border border-slate-300 px-2 py-1">
            ← previous prompt
          </Link>
        )}
        {idx < prompts.length - 1 && (
          <Link href={here(prompts[idx + 1]!.promptKey)} className="rounded border border-slate-300 px-2 py-1">
            next prompt →
          </Link>
        )}
      </nav>
      {curve.length === 0 && (
        <p className="mt-4 text-sm">
          This variant has no scored runs on this prompt set
          {board.evaluator ? ` with evaluator ${board.evaluator.id}` : ""}.
        </p>
      )}
      <div className="mt-4 space-y-4" data-testid="guidance-grid">
        {curve.map((c, i) => {
          const r = rows[i]!;
          return (
            <section key={c.runId} className="rounded border border-slate-200 bg-white p-3" data-testid="guidance-row">
              <h2 className="text-sm">
                <strong>guidance {c.guidanceScale}</strong>{" "}
                <span className="text-slate-600">
                  · run{" "}
                  <Link href={`/runs/${c.runId}`} className="underline">
                    {c.runId}
                  </Link>{" "}
                  · run diversity {fmt(c.diversity)} · this prompt&apos;s diversity {fmt(r.diversity)}, CLIP score{" "}
                  {fmt(r.clipScore, 2)}
                </span>
              </h2>
              <div className="mt-2">
                <SampleStrip samples={r.samples} prompt={prompt.text} />
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}
