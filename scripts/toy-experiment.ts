// npm run toy:experiment: the toy seed experiment end to end (lib/toy-world/run-toy-experiment.ts)
// on its own data folder, then docs/toy-experiment.md.
import fs from "node:fs";
import path from "node:path";
import { parseCliArgs } from "../lib/cli/parse-cli-args";
import { z } from "zod";
import { closeDb } from "../db/client";
import { migrate } from "../db/migrate";
import { checkOptions } from "../lib/toy-world/cli-args";
import { writeExperimentDoc } from "../lib/toy-world/experiment-doc";
import { runToyExperiment } from "../lib/toy-world/run-toy-experiment";

const HELP = `Usage: npm run toy:experiment -- [--data-dir DIR] [--prompts N] [--guidance LIST] [--samples N]
                                   [--steps N] [--seed N] [--out FILE]

The toy seed experiment through the product, in this process: on a fresh data folder (its own
SQLite database and image store, evaluator = the toy CLIP) it registers the four toy variants
(toy-text-sequence, toy-clip-text, toy-clip-image, toy-clip-image+text) and a prompt set of
held-out underspecified and compositional prompts ("toy-seed-experiment"), requests a guidance
sweep per variant through the generation protocol, generates every task with the toy engine,
scores the runs with the toy evaluator through the scoring queue, reads the runs and the ranked
leaderboard back, and writes the document with sample grids next to it. Start the service on the
same folder afterwards to browse the board: T2I_DATA_DIR=DIR T2I_MODEL_DIR=toy npm start.

Options:
  --data-dir DIR   data folder; must not hold a database yet (default data/toy-experiment-<time>)
  --prompts N      prompts per type (default 8: 8 underspecified + 8 compositional)
  --guidance L     comma-separated guidance scales (default 1,1.5,2,3,4,6,8)
  --samples N      samples per prompt (default 8)
  --steps N        DDIM steps (default 25)
  --seed N         request seed (default 0)
  --out FILE       the document (default docs/toy-experiment.md); grids go to <dir>/toy-experiment/
  -h, --help       this text
`;

const optionsSchema = z.object({
  dataDir: z.string().min(1),
  prompts: z.coerce.number().int().min(1).max(100),
  guidance: z.array(z.coerce.number().min(0).max(100)).min(1).max(20),
  samples: z.coerce.number().int().min(2).max(64),
  steps: z.coerce.number().int().min(1).max(1000),
  seed: z.coerce.number().int().min(0).max(0xffffffff),
  out: z.string().min(1),
});

async function main(): Promise<number> {
  const { values } = parseCliArgs({
    options: {
      "data-dir": { type: "string" },
      prompts: { type: "string" },
      guidance: { type: "string" },
      samples: { type: "string" },
      steps: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }, { script: "toy:experiment", usage: HELP });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const o = checkOptions(
    optionsSchema,
    {
      dataDir: values["data-dir"] ?? path.join("data", `toy-experiment-${new Date().toISOString().replace(/[:.]/g, "-")}`),
      prompts: values.prompts ?? 8,
      guidance: (values.guidance ?? "1,1.5,2,3,4,6,8").split(","),
      samples: values.samples ?? 8,
      steps: values.steps ?? 25,
      seed: values.seed ?? 0,
      out: values.out ?? path.join("docs", "toy-experiment.md"),
    },
    HELP,
  );
  if (!o) return 2;
  if (fs.existsSync(path.join(o.dataDir, "t2i.sqlite"))) {
    process.stderr.write(`--data-dir ${o.dataDir} already holds a database; give a new folder\n`);
    return 2;
  }
  fs.mkdirSync(o.dataDir, { recursive: true });
  // This process is the experiment's service: point the one config module at its folder and the toy evaluator.
  Object.assign(process.env, { T2I_DATA_DIR: path.resolve(o.dataDir), T2I_MODEL_DIR: "toy" });
  delete process.env.T2I_DB_PATH;
  migrate();
  const started = performance.now();
  const log = (line: string) => console.log(`[toy:experiment ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
  const result = await runToyExperiment({
    promptsPerType: o.prompts,
    guidanceScales: o.guidance,
    samplesPerPrompt: o.samples,
    steps: o.steps,
    seed: o.seed,
    promptSetName: "toy-seed-experiment",
    log,
  });
  const totalSeconds = (performance.now() - started) / 1000;
  const command = `npm run toy:experiment${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  await writeExperimentDoc(result, o.out, { command, totalSeconds, samplesPerPrompt: o.samples, steps: o.steps, seed: o.seed });
  log(`wrote ${o.out}; ${result.runs.length} runs scored in ${o.dataDir}; board: ${result.board.ranking?.ranked.map((r) => `${r.rank} ${result.board.variants[r.variantId]?.name}`).join(", ") ?? "no ranking"}`);
  closeDb();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`toy:experiment: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
