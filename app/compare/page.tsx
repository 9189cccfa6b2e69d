import type { Metadata } from "next";
import Link from "next/link";
import { toSeries } from "@/app/_components/board-series";
import { fmt, fmtCi } from "@/app/_components/format";
import { DownloadLinks, TradeoffChart } from "@/app/_components/tradeoff-chart";
import { UserText } from "@/app/_components/user-text";
import { isAppError } from "@/lib/errors";
import { defaultPromptSet } from "@/lib/leaderboard/default-prompt-set";
import { getComparison, getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { diversityLevelSchema } from "@/lib/ranking";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare variants" };

type SP = { a?: string; b?: string; promptSet?: string; evaluator?: string; diversity?: string };

export default async function ComparePage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const setName = sp.promptSet ?? defaultPromptSet()?.name;
  if (!setName) return <p>No scored runs yet.</p>;
  const board = getRankedBoard(setName, { evaluatorId: sp.evaluator });
  const level = sp.diversity === undefined || sp.diversity === "" ? undefined : diversityLevelSchema.safeParse(Number(sp.diversity));
  const ids = Object.keys(board.variants);
  const a = sp.a ?? ids[0];
  const b = sp.b ?? ids[1];
  let cmp: ReturnType<typeof getComparison> | undefined;
  let problem: string | undefined;
  if (a && b) {
    try {
      cmp = getComparison(setName, a, b, { evaluatorId: board.evaluator?.id, ranking: level?.success ? { diversity: level.data } : undefined });
    } catch (e) {
      if (!isAppError(e)) throw e;
      problem = e.message;
    }
  } else problem = "This prompt set needs scored runs of two variants.";
  const c = cmp?.comparison;
  const name = (id: string) => cmp?.variants[id]?.name ?? board.variants[id]?.name ?? id;
  const shownName = (id: string) => <UserText text={name(id)} expand={false} />;

  return (
    <div>
      <h1 className="text-2xl font-semibold">Head to head</h1>
      <form method="get" action="/compare" className="mt-3 flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3 text-sm">
        <input type="hidden" name="promptSet" value={setName} />
        {board.evaluator && <input type="hidden" name="evaluator" value={board.evaluator.id} />}
        {(["a", "b"] as const).map((k) => (
          <label key={k} className="flex flex-col">
            Variant {k.toUpperCase()}
            <select name={k} defaultValue={k === "a" ? a : b} className="mt-1 rounded border border-slate-300 px-2 py-1">
              {ids.map((id) => (
                <option key={id} value={id}>
                  {board.variants[id]!.name}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label className="flex flex-col">
          Diversity level
          <input type="number" name="diversity" min={0} max={2} step="any" defaultValue={cmp?.comparison?.diversity ? +cmp.comparison.diversity.value.toFixed(4) : ""} className="mt-1 w-28 rounded border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">
          Compare
        </button>
        <span className="text-slate-500">
          on <UserText text={board.promptSet.name} /> v{board.promptSet.version}, evaluator {board.evaluator?.id}
        </span>
      </form>
      {board.evaluator?.warning && <p className="mt-2 text-sm font-medium text-amber-800">Evaluator: {board.evaluator.warning}.</p>}
      {level && !level.success && <p className="mt-2 text-sm text-amber-800">The diversity level must be a number from 0 to 2; showing the default level instead.</p>}
      {problem && (
        <p className="mt-4 rounded bg-rose-50 p-3 text-sm text-rose-900">
          <UserText text={problem} />
        </p>
      )}
      {c && cmp && (
        <>
          <section aria-labelledby="verdict" className="mt-5 rounded border border-slate-200 bg-white p-4" data-testid="compare-verdict">
            <h2 id="verdict" className="text-lg font-semibold">
              {shownName(c.a.variantId)} vs {shownName(c.b.variantId)}
            </h2>
            {c.difference && c.diversity && c.a.scored && c.b.scored ? (
              <p className="mt-1 text-sm">
                Fidelity at diversity {fmt(c.diversity.value)} ({c.diversity.isDefault ? `default: ${c.diversity.rule}` : "set by you"}): {shownName(c.a.variantId)} {fmt(c.a.score, 2)}
                {c.a.extended ? ` (at diversity ${fmt(c.a.scoredAt)})` : ""}, {shownName(c.b.variantId)} {fmt(c.b.score, 2)}
                {c.b.extended ? ` (at diversity ${fmt(c.b.scoredAt)})` : ""}. Difference A − B = <strong>{fmt(c.difference.estimate, 2)}</strong> {fmtCi(c.difference.ci, 2)}, p = {fmt(c.difference.pValue, 3)}
                {c.difference.pValue !== null && c.difference.pValue >= c.settings.significance ? ` — not significant at ${c.settings.significance}: a tie.` : "."} Resamples: {c.difference.resamples} of {c.settings.B}
                {c.difference.reliable ? "." : " (unreliable: under 95% of B)."}
                {c.winRate && (
                  <>
                    {" "}
                    Win rate of A over prompts: <strong>{fmt(c.winRate.value * 100, 0)}%</strong> ({c.winRate.wins} wins, {c.winRate.ties} ties, {c.winRate.losses} losses).
                  </>
                )}
              </p>
            ) : (
              <p className="mt-1 text-sm">Not comparable at diversity {fmt(c.diversity?.value)}: {c.reason}</p>
            )}
          </section>
          <section aria-labelledby="curves" className="mt-6">
            <h2 id="curves" className="text-lg font-semibold">
              Both curves
            </h2>
            <TradeoffChart series={[toSeries(name(c.a.variantId), c.a.curve, c.a.fitted), toSeries(name(c.b.variantId), c.b.curve, c.b.fitted)]} />
            <DownloadLinks href={`/api/v1/plot-data?view=compare&promptSet=${encodeURIComponent(setName)}&a=${encodeURIComponent(c.a.variantId)}&b=${encodeURIComponent(c.b.variantId)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${level?.success ? `&diversity=${level.data}` : ""}`} />
          </section>
          {c.perPrompt.length > 0 && (
            <section aria-labelledby="per-prompt" className="mt-6">
              <h2 id="per-prompt" className="text-lg font-semibold">
                Per prompt (each variant&apos;s CLIP score on that prompt, weighted as in its score at the level)
              </h2>
              <table className="mt-2 w-full border-collapse bg-white text-sm" data-testid="compare-prompts">
                <thead>
                  <tr className="border-b border-slate-200 text-left">
                    <th scope="col" className="p-2">Prompt</th>
                    <th scope="col" className="p-2">A</th>
                    <th scope="col" className="p-2">B</th>
                    <th scope="col" className="p-2">A − B</th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.perPrompt].sort((x, y) => (y.difference ?? 0) - (x.difference ?? 0)).map((p) => (
                    <tr key={String(p.promptId)} className="border-b border-slate-100">
                      <td className="p-2">
                        <UserText text={String(p.promptId)} />
                      </td>
                      <td className="p-2">{fmt(p.a, 2)}</td>
                      <td className="p-2">{fmt(p.b, 2)}</td>
                      <td className={`p-2 ${(p.difference ?? 0) > 0 ? "text-emerald-700" : (p.difference ?? 0) < 0 ? "text-rose-700" : ""}`}>{fmt(p.difference, 2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
      <p className="mt-6 text-sm">
        <Link href="/about/ranking" className="underline">
          How fidelity at a diversity level, CIs and p-values are computed
        </Link>
      </p>
    </div>
  );
}
