import type { Metadata } from "next";
import Link from "next/link";
import { toSeries } from "@/app/_components/board-series";
import { orNotFound } from "@/app/_components/or-not-found";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { fmt, fmtCi } from "@/app/_components/format";
import { DownloadLinks, TradeoffChart } from "@/app/_components/tradeoff-chart";
import { UserText } from "@/app/_components/user-text";
import { isAppError } from "@/lib/core/errors";
import { defaultPromptSet } from "@/lib/leaderboard/default-prompt-set";
import { getComparison, getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { diversityLevelSchema } from "@/lib/ranking";
import { firstPrompt } from "@/lib/samples/list-prompt-samples";

export const dynamic = "force-dynamic";
export async function generateMetadata({ searchParams }: { searchParams: Promise<SP> }): Promise<Metadata> {
  const name = (await searchParams).promptSet ?? defaultPromptSet()?.name;
  if (!name) return { title: "Compare variants" };
  try {
    const set = getPromptSetOrThrow(name);
    return { title: `Compare variants on ${set.name} v${set.version}` };
  } catch {
    return { title: "Not found" };
  }
}

type SP = { a?: string; b?: string; v?: string | string[]; promptSet?: string; evaluator?: string; diversity?: string };

/** How many variants one comparison takes. */
const MIN_VARIANTS = 2;
const MAX_VARIANTS = 6;
type Pair = {
  a: string;
  b: string;
  comparison: NonNullable<ReturnType<typeof getComparison>["comparison"]> | null;
  problem?: string;
};
type Compared = ReturnType<typeof getComparison>;

export default async function ComparePage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const setName = sp.promptSet ?? defaultPromptSet()?.name;
  if (!setName) return <p>No scored runs yet.</p>;
  const board = orNotFound(() => getRankedBoard(setName, { evaluatorId: sp.evaluator }));
  const level =
    sp.diversity === undefined || sp.diversity === ""
      ? undefined
      : diversityLevelSchema.safeParse(Number(sp.diversity));
  const ids = Object.keys(board.variants);
  // Variants by id or name: ?v=…&v=… (2–6), or the older ?a=…&b=….
  const requested = (Array.isArray(sp.v) ? sp.v : sp.v ? [sp.v] : [sp.a ?? ids[0], sp.b ?? ids[1]]).filter(
    (x): x is string => !!x,
  );
  const idOf = (ref: string) => ids.find((id) => id === ref || board.variants[id]!.name === ref);
  const chosen = requested.map((ref) => ({ ref, id: idOf(ref) }));
  const nameOfRef = (r: { ref: string; id?: string }) => (r.id ? board.variants[r.id]!.name : r.ref);
  let problem: string | undefined;
  const unknown = chosen.filter((r) => !r.id);
  const twice = chosen.filter((r, i) => r.id && chosen.findIndex((x) => x.id === r.id) !== i);
  if (ids.length < 2) problem = "This prompt set needs scored runs of two variants.";
  else if (unknown.length) {
    const names = [...new Set(unknown.map((r) => `"${r.ref}"`))];
    problem = `${names.length === 1 ? `No variant named ${names[0]}` : `None of the variants named ${names.join(", ")}`} has scored runs on this prompt set; pick from the list.`;
  } else if (twice.length)
    problem = `"${nameOfRef(twice[0]!)}" is chosen twice: a variant cannot be compared with itself. Pick ${MIN_VARIANTS}–${MAX_VARIANTS} different variants.`;
  else if (chosen.length < MIN_VARIANTS || chosen.length > MAX_VARIANTS)
    problem = `Compare ${MIN_VARIANTS} to ${MAX_VARIANTS} variants (${chosen.length} chosen).`;
  const picked = problem ? [] : chosen.map((r) => r.id!);
  const opts = { evaluatorId: board.evaluator?.id, ranking: level?.success ? { diversity: level.data } : undefined };
  const pairs: Pair[] = [];
  let first: Compared | undefined;
  // Every pair at the one level the page shows: the reader's, else the board's default level.
  for (let i = 0; i < picked.length; i++)
    for (let j = i + 1; j < picked.length; j++) {
      try {
        const got = getComparison(setName, picked[i]!, picked[j]!, opts);
        first ??= got;
        pairs.push({ a: picked[i]!, b: picked[j]!, comparison: got.comparison });
      } catch (e) {
        if (!isAppError(e)) throw e;
        pairs.push({ a: picked[i]!, b: picked[j]!, comparison: null, problem: e.message });
      }
    }
  const cmp = pairs[0]?.comparison ? { comparison: pairs[0].comparison, variants: board.variants } : undefined;
  if (!problem && pairs[0]?.problem && picked.length === 2) problem = pairs[0].problem;
  const firstPromptKey = firstPrompt(board.promptSet.id)?.promptKey;
  const c = cmp?.comparison;
  const promptText = (key: string) => first?.promptTexts[key] ?? key;
  const name = (id: string) => cmp?.variants[id]?.name ?? board.variants[id]?.name ?? id;
  const shownName = (id: string) => <UserText text={name(id)} expand={false} />;
  const curveOf = (id: string) =>
    [...(board.ranking?.ranked ?? []), ...(board.ranking?.unranked ?? [])].find((v) => v.variantId === id);
  const sideBySide = `/prompts/${encodeURIComponent(firstPromptKey ?? "")}?promptSet=${encodeURIComponent(board.promptSet.name)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${level?.success ? `&diversity=${level.data}` : ""}&variants=${picked.join(",")}`;

  return (
    <div>
      <h1 className="text-2xl font-semibold">
        {picked.length > 2 ? `${picked.length} variants compared` : "Head to head"}
      </h1>
      <form
        method="get"
        action="/compare"
        className="mt-3 flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3 text-sm"
      >
        <input type="hidden" name="promptSet" value={setName} />
        {board.evaluator && <input type="hidden" name="evaluator" value={board.evaluator.id} />}
        {Array.from({ length: MAX_VARIANTS }, (_, i) => (
          <label key={i} className="flex flex-col">
            Variant {i + 1}
            {i >= MIN_VARIANTS ? " (optional)" : ""}
            <select
              name="v"
              defaultValue={picked[i] ?? chosen[i]?.id ?? ""}
              className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
              data-testid={`compare-variant-${i + 1}`}
            >
              {i >= MIN_VARIANTS && <option value="">—</option>}
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
          <input
            type="number"
            name="diversity"
            min={0}
            max={2}
            step="any"
            defaultValue={cmp?.comparison?.diversity ? +cmp.comparison.diversity.value.toFixed(4) : ""}
            className="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">
          Compare
        </button>
        <span className="text-slate-500">
          on <UserText text={board.promptSet.name} /> v{board.promptSet.version}, evaluator {board.evaluator?.id}
        </span>
      </form>
      {board.evaluator?.warning && (
        <p className="mt-2 text-sm font-medium text-amber-800">Evaluator: {board.evaluator.warning}.</p>
      )}
      {level && !level.success && (
        <p className="mt-2 text-sm text-amber-800">
          The diversity level must be a number from 0 to 2; showing the default level instead.
        </p>
      )}
      {problem && (
        <p className="mt-4 rounded bg-rose-50 p-3 text-sm text-rose-900">
          <UserText text={problem} />
        </p>
      )}
      {c && cmp && (
        <>
          <section
            aria-labelledby="verdict"
            className="mt-5 rounded border border-slate-200 bg-white p-4"
            data-testid="compare-verdict"
          >
            <h2 id="verdict" className="text-lg font-semibold">
              {shownName(c.a.variantId)} vs {shownName(c.b.variantId)}
            </h2>
            {c.difference && c.diversity && c.a.scored && c.b.scored ? (
              <p className="mt-1 text-sm">
                Fidelity at diversity {fmt(c.diversity.value)} (
                <span data-testid="compare-level-rule">
                  {c.diversity.isDefault ? `the board's default level: ${c.diversity.rule}` : "set by you"}
                </span>
                ): {shownName(c.a.variantId)} {fmt(c.a.score, 2)}
                {c.a.extended ? ` (at diversity ${fmt(c.a.scoredAt)})` : ""}, {shownName(c.b.variantId)}{" "}
                {fmt(c.b.score, 2)}
                {c.b.extended ? ` (at diversity ${fmt(c.b.scoredAt)})` : ""}. Difference A − B ={" "}
                <strong>{fmt(c.difference.estimate, 2)}</strong> {fmtCi(c.difference.ci, 2)}, p ={" "}
                {fmt(c.difference.pValue, 3)}
                {!c.significance.calibrated
                  ? ` — significance withheld: ${c.significance.withheld}.`
                  : c.difference.pValue !== null && c.difference.pValue >= c.settings.significance
                    ? ` — not significant at ${c.settings.significance}: a tie; this design detects ${fmt(c.difference.mde, 2)} points with 80% power.`
                    : "."}{" "}
                Resamples: {c.difference.resamples} of {c.settings.B}
                {c.difference.reliable ? "." : " (unreliable: under 95% of B)."}
                {c.winRate && (
                  <>
                    {" "}
                    Win rate of A over prompts: <strong>{fmt(c.winRate.value * 100, 0)}%</strong> ({c.winRate.wins}{" "}
                    wins, {c.winRate.ties} ties, {c.winRate.losses} losses).
                  </>
                )}
              </p>
            ) : (
              <p className="mt-1 text-sm">
                Not comparable at diversity {fmt(c.diversity?.value)}: {c.reason}
              </p>
            )}
          </section>
          <section aria-labelledby="curves" className="mt-6">
            <h2 id="curves" className="text-lg font-semibold">
              Both curves
            </h2>
            <TradeoffChart
              series={picked.flatMap((id) => {
                const e = curveOf(id);
                return e
                  ? [toSeries(name(id), e.curve, e.fitted, (run) => board.runs.find((r) => r.runId === run)?.source)]
                  : [];
              })}
              level={c.diversity?.value}
            />
            <DownloadLinks
              href={`/api/v1/plot-data?view=compare&promptSet=${encodeURIComponent(setName)}&a=${encodeURIComponent(c.a.variantId)}&b=${encodeURIComponent(c.b.variantId)}${board.evaluator ? `&evaluator=${encodeURIComponent(board.evaluator.id)}` : ""}${level?.success ? `&diversity=${level.data}` : ""}`}
            />
          </section>
          <p className="mt-3 text-sm">
            <Link href={sideBySide} className="font-medium underline" data-testid="compare-side-by-side">
              These variants&apos; samples side by side
            </Link>{" "}
            <span className="text-slate-500">
              (one prompt at a time, each at the guidance nearest the diversity level)
            </span>
          </p>
          {pairs.length > 1 && (
            <section aria-labelledby="pairs" className="mt-6">
              <h2 id="pairs" className="text-lg font-semibold">
                Every pair at diversity {fmt(c.diversity?.value)}
              </h2>
              <div className="mt-2 overflow-x-auto">
                <table className="w-full min-w-[36rem] border-collapse bg-white text-sm" data-testid="compare-pairs">
                  <thead>
                    <tr className="border-b border-slate-200 text-left">
                      <th scope="col" className="p-2">
                        A
                      </th>
                      <th scope="col" className="p-2">
                        B
                      </th>
                      <th scope="col" className="p-2">
                        A − B (CI)
                      </th>
                      <th scope="col" className="p-2">
                        p
                      </th>
                      <th scope="col" className="p-2">
                        Win rate of A
                      </th>
                      <th scope="col" className="p-2" title="Minimum detectable difference at 80% power">
                        MDE
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {pairs.map((p) => {
                      const pc = p.comparison;
                      return (
                        <tr key={`${p.a}-${p.b}`} className="border-b border-slate-100" data-testid="compare-pair">
                          <td className="p-2">{shownName(p.a)}</td>
                          <td className="p-2">{shownName(p.b)}</td>
                          {pc?.difference ? (
                            <>
                              <td className="p-2">
                                {fmt(pc.difference.estimate, 2)} {fmtCi(pc.difference.ci, 2)}
                              </td>
                              <td className="p-2">{fmt(pc.difference.pValue, 3)}</td>
                              <td className="p-2">{pc.winRate ? `${fmt(pc.winRate.value * 100, 0)}%` : "—"}</td>
                              <td className="p-2">{fmt(pc.difference.mde, 2)}</td>
                            </>
                          ) : (
                            <td className="p-2 text-slate-600" colSpan={4} data-testid="pair-not-comparable">
                              not comparable at diversity {fmt(pc?.diversity?.value ?? c.diversity?.value)}:{" "}
                              <UserText text={p.problem ?? pc?.reason ?? "no scored runs"} />
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <p className="mt-1 text-xs text-slate-500">
                p-values here are per pair, unadjusted; the leaderboard&apos;s matrix adjusts them for all pairs (Holm).
              </p>
            </section>
          )}
          {c.perPrompt.length > 0 && (
            <section aria-labelledby="per-prompt" className="mt-6">
              <h2 id="per-prompt" className="text-lg font-semibold">
                Per prompt (each variant&apos;s CLIP score on that prompt, weighted as in its score at the level)
              </h2>
              <table className="mt-2 w-full border-collapse bg-white text-sm" data-testid="compare-prompts">
                <thead>
                  <tr className="border-b border-slate-200 text-left">
                    <th scope="col" className="p-2">
                      Prompt
                    </th>
                    <th scope="col" className="p-2">
                      A
                    </th>
                    <th scope="col" className="p-2">
                      B
                    </th>
                    <th scope="col" className="p-2">
                      A − B
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.perPrompt]
                    .sort((x, y) => (y.difference ?? 0) - (x.difference ?? 0))
                    .map((p) => (
                      <tr key={String(p.promptId)} className="border-b border-slate-100">
                        <td className="p-2" data-testid="compare-prompt-text">
                          <UserText text={promptText(String(p.promptId))} />
                          <span className="ml-1 text-xs text-slate-500">{String(p.promptId)}</span>
                        </td>
                        <td className="p-2">{fmt(p.a, 2)}</td>
                        <td className="p-2">{fmt(p.b, 2)}</td>
                        <td
                          className={`p-2 ${(p.difference ?? 0) > 0 ? "text-emerald-700" : (p.difference ?? 0) < 0 ? "text-rose-700" : ""}`}
                        >
                          {fmt(p.difference, 2)}
                        </td>
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
