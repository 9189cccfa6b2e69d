// The board's power: the MDE of its design, and a calculator answering how many prompts a target
// difference needs at a number of samples per prompt and replicates, from the board's own
// variance components (lib/ranking/power.ts). A plain GET form: no script needed.
import { fmt } from "./format";
import { designMde, promptsNeeded, type BoardPower } from "@/lib/ranking";

const num = (v: string | undefined, min: number, max: number, int = false) => {
  const x = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(x) && x >= min && x <= max && (!int || Number.isInteger(x))
    ? x
    : undefined;
};

export function PowerSection({
  power,
  sp,
  keep,
}: {
  power: BoardPower;
  sp: { target?: string; n?: string; reps?: string };
  keep: Record<string, string | undefined>;
}) {
  const c = power.components;
  const n0 = Math.max(1, Math.round(power.samplesPerPrompt));
  const target = num(sp.target, 0.001, 100);
  const n = num(sp.n, 1, 10_000, true) ?? n0;
  const reps = num(sp.reps, 1, 1000, true) ?? Math.max(1, power.replicates.max);
  const answer =
    c && target !== undefined ? promptsNeeded(c, target, { samplesPerPrompt: n, replicates: reps }, power.alpha) : null;
  const here = c
    ? designMde(
        c,
        { prompts: power.prompts, samplesPerPrompt: n0, replicates: Math.max(1, power.replicates.max) },
        power.alpha,
      )
    : null;
  return (
    <section aria-labelledby="power" className="mt-8 [overflow-wrap:anywhere]" data-testid="power-section">
      <h2 id="power" className="text-lg font-semibold">
        Power: what this board can tell apart
      </h2>
      {!c ? (
        <p className="mt-1 text-sm text-slate-600">Power needs at least two ranked variants.</p>
      ) : (
        <>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            This board has {power.prompts} prompts, {n0} images per prompt and{" "}
            {power.replicates.min === power.replicates.max
              ? `${power.replicates.max} replicate${power.replicates.max === 1 ? "" : "s"} per variant`
              : `${power.replicates.min}–${power.replicates.max} replicates per variant`}
            : a pair differing by <strong>{fmt(power.mde, 2)}</strong> CLIP score points is found{" "}
            {Math.round(power.power * 100)}% of the time (two-sided, α = {power.alpha}; median over pairs). Variance
            components per pair (medians): prompts {fmt(c.prompt, 2)}, images{" "}
            {c.sample === null
              ? "not stored for these runs (scored before method 3): folded into prompts"
              : fmt(c.sample, 2)}
            , models {c.model === null ? "unknown (a variant has a single replicate)" : fmt(c.model, 2)}.
            {here &&
              ` At this design the calculator gives ${fmt(here.mde, 2)} (no small-sample correction: a design, not an estimate).`}
          </p>
          <form
            method="get"
            action="/"
            className="mt-2 flex flex-wrap items-end gap-3 text-sm"
            aria-label="Power calculator"
          >
            {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
            <label className="flex flex-col">
              Target difference (points)
              <input
                type="number"
                name="target"
                min={0}
                step="any"
                defaultValue={sp.target ?? ""}
                className="mt-1 w-32 rounded border border-slate-300 px-2 py-1"
                data-testid="power-target"
              />
            </label>
            <label className="flex flex-col">
              Images per prompt
              <input
                type="number"
                name="n"
                min={1}
                defaultValue={n}
                className="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
              />
            </label>
            <label className="flex flex-col">
              Replicates per variant
              <input
                type="number"
                name="reps"
                min={1}
                defaultValue={reps}
                className="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
              />
            </label>
            <button
              type="submit"
              className="rounded border border-indigo-600 px-3 py-1.5 font-medium text-indigo-700 hover:bg-indigo-50"
            >
              How many prompts?
            </button>
          </form>
          {target !== undefined && (
            <p className="mt-2 text-sm" data-testid="power-answer">
              {answer
                ? `To find a difference of ${fmt(target, 2)} points with ${Math.round(power.power * 100)}% power at ${n} images per prompt and ${reps} replicate${reps === 1 ? "" : "s"}: ${answer.prompts} prompts (MDE there ${fmt(answer.mde, 2)}).`
                : `A difference of ${fmt(target, 2)} points cannot be found with ${Math.round(power.power * 100)}% power at ${reps} replicate${reps === 1 ? "" : "s"}, however many prompts: the differences between trained copies alone are larger. Add replicates.`}
              {c.sample === null && n !== n0
                ? " (The image part is not known for these runs, so more images per prompt are not credited.)"
                : ""}
              {c.model === null
                ? " (Model-level variance is unknown here, so replicates are credited only with their images.)"
                : ""}
            </p>
          )}
        </>
      )}
    </section>
  );
}
