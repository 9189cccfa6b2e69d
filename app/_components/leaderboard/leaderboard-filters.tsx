// The leaderboard's filter form (a GET form: every setting lands in the URL).
import { CONDITIONING_LABELS } from "@/app/_components/format";
import { SourceFilter } from "@/app/_components/source-filter";
import { conditioningTypeSchema } from "@/db/schema";
import type { RankedBoard } from "@/lib/leaderboard/get-ranked-board";
import type { PromptSetListItem } from "@/lib/prompt-sets/list-prompt-sets";
import type { LeaderboardSearchParams, LeaderboardView } from "./view-model";

export function LeaderboardFilters({
  sp,
  sets,
  board,
  view,
}: {
  sp: LeaderboardSearchParams;
  sets: PromptSetListItem[];
  board: RankedBoard;
  view: LeaderboardView;
}) {
  const ranking = board.ranking;
  return (
    <form
      method="get"
      action="/"
      className="mt-4 flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3 text-sm"
      aria-label="Leaderboard filters"
    >
      <label className="flex max-w-full flex-col">
        Prompt set
        <select
          name="promptSet"
          defaultValue={board.promptSet.name}
          className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
        >
          {sets.map((s) => (
            <option key={s.id} value={s.name}>
              {s.name} v{s.version} ({s.runCount} {s.runCount === 1 ? "run" : "runs"}){s.isDemo ? " — demo" : ""}
            </option>
          ))}
        </select>
      </label>
      <label className="flex max-w-full flex-col">
        Evaluator
        <select
          name="evaluator"
          defaultValue={board.evaluator?.id}
          className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
        >
          {board.evaluators.map((e) => (
            <option key={e.id} value={e.id}>
              {e.id} ({e.runs} {e.runs === 1 ? "run" : "runs"}){e.warning ? ` — ${e.warning}` : ""}
            </option>
          ))}
        </select>
      </label>
      <label className="flex max-w-full flex-col">
        Conditioning
        <select
          name="type"
          defaultValue={view.query.type ?? ""}
          className="mt-1 max-w-full rounded border border-slate-300 px-2 py-1"
        >
          <option value="">all types</option>
          {conditioningTypeSchema.options.map((t) => (
            <option key={t} value={t}>
              {CONDITIONING_LABELS[t] ?? t}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col">
        Diversity level
        <input
          type="number"
          name="diversity"
          min={0}
          max={2}
          step="any"
          defaultValue={ranking?.diversity ? +ranking.diversity.value.toFixed(4) : ""}
          className="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
          data-testid="diversity-level"
        />
      </label>
      <SourceFilter value={view.query.source} />
      <label className="flex items-center gap-1">
        <input type="checkbox" name="demo" value="hide" defaultChecked={!view.query.includeDemo} /> hide demo runs
      </label>
      <label className="flex items-center gap-1">
        <input
          type="checkbox"
          name="partial"
          value="include"
          defaultChecked={board.includePartial}
          data-testid="include-partial"
        />{" "}
        rank partial runs
      </label>
      {sp.sort && <input type="hidden" name="sort" value={sp.sort} />}
      {sp.dir && <input type="hidden" name="dir" value={sp.dir} />}
      <button
        type="submit"
        className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        Apply
      </button>
    </form>
  );
}
