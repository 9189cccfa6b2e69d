// What the demo is: the toy-world seed experiment (lib/demo/run-toy-experiment.ts) at the
// settings of `npm run toy:experiment -- --prompts 4` (the same seeds give the same images),
// run on the service's own database with every row flagged as demo data, plus the toy reference
// set of its prompt set (`npm run toy:reference` settings), so that the first page a newcomer
// opens shows four real curves, a real ranking and recall/coverage beside pairwise diversity.
// No imports: the leaderboard page reads DEMO_REPRODUCE_COMMAND, and the toy generator module
// (which locates its ONNX files at load time) must stay out of the web bundle.

/** The demo prompt set; its name says "toy world" wherever it is listed. */
export const DEMO_PROMPT_SET = "toy-world-demo";

/** The four toy variants (TOY_VARIANTS in lib/toy-world/toy-generator.ts), one per conditioning type. */
export const DEMO_VARIANTS: readonly string[] = [
  "toy-text-sequence",
  "toy-clip-text",
  "toy-clip-image",
  "toy-clip-image+text",
];

/**
 * The experiment's settings: `npm run toy:experiment`'s defaults (scripts/toy/toy-experiment.ts) but
 * 4 + 4 prompts instead of 8 + 8, so that seeding (about a minute here) finishes while the web app
 * builds on first start: 4 underspecified + 4 compositional held-out prompts (the first ones of
 * the full experiment, with the same samples), guidance 1–8, 8 samples per prompt, DDIM 25 steps,
 * request seed 0.
 */
export const DEMO_EXPERIMENT = {
  promptsPerType: 4,
  guidanceScales: [1, 1.5, 2, 3, 4, 6, 8],
  samplesPerPrompt: 8,
  steps: 25,
  seed: 0,
} as const;

/** The toy reference set: scenes per caption and first scene seed (`npm run toy:reference` defaults). */
export const DEMO_REFERENCE = { perPrompt: 16, seed: 0 } as const;

/** Appended to the demo variants' and prompt set's descriptions (after their "toy world: …" text). */
/** The command that regenerates the same runs on a fresh data folder. */
export const DEMO_REPRODUCE_COMMAND = "npm run toy:experiment -- --prompts 4";

export const DEMO_NOTE =
  "DEMO DATA seeded on first start: real samples of the trained toy-world generators scored by the toy-world evaluator, " +
  `meaningful only inside the toy world (${DEMO_REPRODUCE_COMMAND} reproduces them). Remove with: npm run seed:demo -- --remove`;
