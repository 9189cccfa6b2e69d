import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { orNotFound } from "@/app/_components/or-not-found";
import { fmt, promptTitle } from "@/app/_components/format";
import { promptTextOf } from "@/app/_components/prompt-text-of";
import { SampleStrip } from "@/app/_components/sample-strip";
import { UserText } from "@/app/_components/user-text";
import { defaultPromptSet } from "@/lib/leaderboard/default-prompt-set";
import { getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { diversityLevelSchema } from "@/lib/ranking";
import { getPromptOrThrow, listPromptSamples, listPrompts } from "@/lib/samples/list-prompt-samples";
import { matchedRun } from "@/lib/samples/matched-run";

export const dynamic = "force-dynamic";

type SP = { promptSet?: string; evaluator?: string; diversity?: string; shift?: string; variants?: string };
type Props = { params: Promise<{ key: string }>; searchParams: Promise<SP> };

const MAX_SHIFT = 20;

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const key = (await params).key;
  const set = (await searchParams).promptSet ?? defaultPromptSet()?.name;
  const text = set ? promptTextOf(set, key) : undefined;
  if (!text) return { title: "Prompt not found" };
  return { title: `${promptTitle(text)} on ${set}: every variant side by side` };
}

export default async function PromptPage({ params, searchParams }: Props) {
  const key = (await params).key;
  const sp = await searchParams;
  const setName = sp.promptSet ?? defaultPromptSet()?.name;
  if (!setName) notFound();
  const level = sp.diversity ? diversityLevelSchema.safeParse(Number(sp.diversity)) : undefined;
  const board = orNotFound(() =>
    getRankedBoard(setName, {
      evaluatorId: sp.evaluator,
      ranking: level?.success ? { diversity: level.data } : undefined,
    }),
  );
  const prompt = orNotFound(() => getPromptOrThrow(board.promptSet.id, key));
  const ranking = board.ranking;
  const target = ranking?.diversity?.value ?? null;
  const shift = Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, Math.trunc(Number(sp.shift ?? 0)) || 0));
  const only = sp.variants ? new Set(sp.variants.split(",").filter(Boolean)) : undefined;
  const entries = [
    ...(ranking?.ranked ?? []).map((v) => ({ v, rank: v.rank as number | null })),
    ...(ranking?.unranked ?? []).map((v) => ({ v, rank: null })),
  ].filter(({ v }) => !only || only.has(v.variantId) || only.has(board.variants[v.variantId]?.name ?? ""));
  const rows = entries.map(({ v, rank }) => ({
    variantId: v.variantId,
    rank,
    pick: matchedRun(v.curve, target, shift),
  }));
  const picked = rows.flatMap((r) => (r.pick ? [r.pick.run.runId] : []));
  const samples = new Map(listPromptSamples(picked, prompt.id, board.evaluator?.id ?? null).map((s) => [s.runId, s]));
  const prompts = listPrompts(board.promptSet.id);
  const idx = prompts.findIndex((p) => p.id === prompt.id);
  const scope = (patch: Partial<SP> & { key?: string }) => {
    const q = new URLSearchParams();
    const merged: Record<string, string | undefined> = {
      promptSet: board.promptSet.name,
      evaluator: board.evaluator?.id,
      diversity: level?.success ? sp.diversity : undefined,
      shift: shift ? String(shift) : undefined,
      variants: sp.variants,
      ...patch,
    };
    for (const [k, val] of Object.entries(merged)) if (val && k !== "key") q.set(k, val);
    return `/prompts/${encodeURIComponent(patch.key ?? prompt.promptKey)}?${q.toString()}`;
  };
  const step = (d: number) => scope({ shift: String(shift + d) });

  return (
    <div>
      <p className="text-sm text-slate-500">
        Side by side on{" "}
        <Link href={`/?promptSet=${encodeURIComponent(board.promptSet.name)}`} className="underline">
          <UserText text={board.promptSet.name} expand={false} /> v{board.promptSet.version}
        </Link>
        {board.evaluator ? ` · evaluator ${board.evaluator.id}` : ""} · prompt {idx + 1} of {prompts.length}
      </p>
      <h1 className="mt-1 break-words text-2xl font-semibold">
        “<UserText text={prompt.text} />”
      </h1>
      {board.evaluator?.warning && (
        <p className="mt-1 text-sm font-medium text-amber-800">Evaluator: {board.evaluator.warning}.</p>
      )}

      <nav
        aria-label="Prompt and guidance"
        className="mt-3 flex flex-wrap items-center gap-2 rounded border border-slate-200 bg-white p-3 text-sm"
      >
        {idx > 0 && (
          <Link
            href={scope({ key: prompts[idx - 1]!.promptKey })}
            className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
          >
            ← previous prompt
          </Link>
        )}
        {idx < prompts.length - 1 && (
          <Link
            href={scope({ key: prompts[idx + 1]!.promptKey })}
            className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
            data-testid="next-prompt"
          >
            next prompt →
          </Link>
        )}
        <span className="mx-2 text-slate-400">|</span>
        <Link
          href={step(-1)}
          className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
          data-testid="guidance-lower"
          aria-label="one guidance scale lower for every variant"
        >
          ◀ lower guidance
        </Link>
        <span data-testid="guidance-shift">
          {shift === 0
            ? "matched diversity"
            : `${Math.abs(shift)} step${Math.abs(shift) === 1 ? "" : "s"} ${shift > 0 ? "above" : "below"} the matched guidance`}
        </span>
        <Link
          href={step(1)}
          className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
          data-testid="guidance-higher"
          aria-label="one guidance scale higher for every variant"
        >
          higher guidance ▶
        </Link>
        {shift !== 0 && (
          <Link href={scope({ shift: undefined })} className="underline">
            back to matched
          </Link>
        )}
      </nav>
      <p className="mt-2 text-sm text-slate-600">
        {target !== null ? (
          <>
            Each variant at the guidance scale whose run diversity is nearest the ranking&apos;s comparison level,
            diversity <strong>{fmt(target)}</strong>
            {shift !== 0
              ? `, then moved ${shift > 0 ? "up" : "down"} ${Math.abs(shift)} guidance step${Math.abs(shift) === 1 ? "" : "s"}`
              : ""}
            . Hover an image for its CLIP score.
          </>
        ) : (
          <>No comparison level on this board yet (no variant is ranked): each variant at its middle guidance scale.</>
        )}
      </p>

      <div className="mt-4 space-y-5">
        {rows.map(({ variantId, rank, pick }) => {
          const name = board.variants[variantId]?.name ?? variantId;
          const s = pick ? samples.get(pick.run.runId) : undefined;
          return (
            <section
              key={variantId}
              className="rounded border border-slate-200 bg-white p-3"
              data-testid="prompt-view-variant"
            >
              <h2 className="flex flex-wrap items-baseline gap-x-3 text-base font-semibold">
                <span>{rank !== null ? `#${rank}` : "not ranked"}</span>
                <Link
                  href={`/variants/${variantId}/prompts/${encodeURIComponent(prompt.promptKey)}?promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}`}
                  className="underline"
                  data-testid="variant-grid-link"
                >
                  <UserText text={name} expand={false} />
                </Link>
                {pick && (
                  <span className="text-sm font-normal text-slate-600">
                    guidance <strong data-testid="picked-guidance">{pick.run.guidanceScale}</strong> (run{" "}
                    <Link href={`/runs/${pick.run.runId}`} className="underline">
                      {pick.run.runId}
                    </Link>
                    , run diversity {fmt(pick.run.diversity)}
                    {pick.clamped ? ", the end of its guidance range" : ""}) · this prompt&apos;s diversity{" "}
                    <strong data-testid="prompt-diversity">{fmt(s?.diversity ?? null)}</strong>, CLIP score{" "}
                    {fmt(s?.clipScore ?? null, 2)}
                  </span>
                )}
              </h2>
              <div className="mt-2">
                {pick ? (
                  <SampleStrip samples={s?.samples ?? []} prompt={prompt.text} />
                ) : (
                  <p className="text-sm text-slate-500">no scored run with a diversity</p>
                )}
              </div>
            </section>
          );
        })}
        {rows.length === 0 && <p className="text-sm">No variant has scored runs on this prompt set.</p>}
      </div>
    </div>
  );
}
