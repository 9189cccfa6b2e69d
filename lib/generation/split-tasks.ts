// How a prompt's samples are split into generation tasks: contiguous index ranges [from, to),
// either of at most `samplesPerTask` samples or as `tasksPerPrompt` ranges whose sizes differ
// by at most one (the first ones are the larger).
export type SampleRange = { from: number; to: number };

export function splitSamples(
  samplesPerPrompt: number,
  split: { samplesPerTask: number } | { tasksPerPrompt: number },
): SampleRange[] {
  if (!Number.isInteger(samplesPerPrompt) || samplesPerPrompt < 1)
    throw new RangeError(`samplesPerPrompt must be a positive integer, got ${samplesPerPrompt}`);
  const ranges: SampleRange[] = [];
  if ("samplesPerTask" in split) {
    const k = split.samplesPerTask;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`samplesPerTask must be a positive integer, got ${k}`);
    for (let from = 0; from < samplesPerPrompt; from += k)
      ranges.push({ from, to: Math.min(from + k, samplesPerPrompt) });
    return ranges;
  }
  const t = split.tasksPerPrompt;
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`tasksPerPrompt must be a positive integer, got ${t}`);
  if (t > samplesPerPrompt)
    throw new RangeError(`tasksPerPrompt (${t}) is more than samplesPerPrompt (${samplesPerPrompt})`);
  const base = Math.floor(samplesPerPrompt / t);
  const extra = samplesPerPrompt % t;
  let from = 0;
  for (let i = 0; i < t; i++) {
    const to = from + base + (i < extra ? 1 : 0);
    ranges.push({ from, to });
    from = to;
  }
  return ranges;
}
