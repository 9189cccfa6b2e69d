// `next build`'s steps read from its output lines (Next.js 16, Turbopack), for the start-up
// progress of `npm start` (scripts/service/serve.ts). A line that names no step changes nothing,
// so a Next.js that words its lines differently only loses the step names, never the build.
import type { StepUpdate } from "./starting-page";

const STEPS = ["compiling", "collecting page data", "generating static pages", "finalizing"] as const;
const at = (i: number) => ({ n: i + 1, of: STEPS.length });

/** The build step a line of `next build` output starts or advances, if any (colour codes removed). */
export function nextBuildStep(line: string): StepUpdate | undefined {
  if (/Creating an optimized production build/.test(line)) return { step: STEPS[0], stepIndex: at(0) };
  if (/Collecting page data/.test(line)) return { step: STEPS[1], stepIndex: at(1) };
  const pages = /Generating static pages.*\((\d+)\/(\d+)\)/.exec(line);
  if (pages)
    return {
      step: STEPS[2],
      stepIndex: at(2),
      count: { done: Number(pages[1]), total: Number(pages[2]), unit: "pages" },
    };
  if (/Finalizing page optimization/.test(line)) return { step: STEPS[3], stepIndex: at(3) };
  return undefined;
}

/** A line by which `next build` reports a warning or an error in the project's code (Turbopack's wording). */
export function isBuildWarning(line: string): boolean {
  return /\bwarn(ings?)?\b|had an error/i.test(line);
}
