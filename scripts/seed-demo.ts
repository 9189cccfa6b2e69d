// npm run seed:demo: adds (or with --remove deletes) the procedurally drawn demo data, so that
// every page has content on a fresh install with no network. The core is lib/demo/.
import { parseCliArgs } from "../lib/cli/parse-cli-args";
import { closeDb } from "../db/client";
import { migrate } from "../db/migrate";
import { config } from "../lib/config";
import { DEMO_GUIDANCE_SCALES, DEMO_PROMPT_SET, DEMO_PROMPTS, DEMO_SAMPLES_PER_PROMPT, DEMO_VARIANTS } from "../lib/demo/demo-catalog";
import { removeDemo } from "../lib/demo/remove-demo";
import { seedDemo } from "../lib/demo/seed-demo";

const HELP = `Usage: npm run seed:demo -- [--if-empty] [--no-score] | --remove

Adds demo data: the prompt set '${DEMO_PROMPT_SET}' (${DEMO_PROMPTS.length} prompts from the unCLIP discussion),
${DEMO_VARIANTS.length} demo variants (one per conditioning type: ${DEMO_VARIANTS.map((v) => v.name).join(", ")})
and one run per variant at guidance ${DEMO_GUIDANCE_SCALES.join(", ")} with ${DEMO_SAMPLES_PER_PROMPT} samples per prompt,
then scores the runs with the service's evaluator. The images are procedurally drawn shapes,
not model output; every row is flagged as demo data. Running it again adds nothing.

  --if-empty   seed only if the database has no runs at all (first start)
  --no-score   leave the runs queued for a worker instead of scoring them now
  --remove     delete all demo runs, variants and prompt sets, their samples, scores and jobs,
               and the image files that no other run uses; other data is left as it is
  -h, --help   this text

Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite); migrated first.
`;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

async function main(): Promise<number> {
  const { values } = parseCliArgs({
    options: {
      "if-empty": { type: "boolean", default: false },
      "no-score": { type: "boolean", default: false },
      remove: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }, { script: "seed:demo", usage: HELP });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.remove && (values["if-empty"] || values["no-score"])) throw new Error("--remove takes no other option");

  migrate();
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  if (values.remove) {
    const r = removeDemo();
    if (r.runs + r.variants + r.promptSets + r.images === 0 && r.keptVariants.length + r.keptPromptSets.length === 0) {
      console.log("no demo data to remove");
    } else {
      console.log(
        `removed ${count(r.runs, "demo run")} (${count(r.samples, "sample")}), ${count(r.variants, "variant")}, ${count(r.promptSets, "prompt set")}, ` +
          `${count(r.images, "image")} (${count(r.filesDeleted, "file")}) in ${elapsed()}`,
      );
    }
    if (r.keptVariants.length > 0) console.log(`kept demo variant(s) that non-demo runs use: ${r.keptVariants.join(", ")}`);
    if (r.keptPromptSets.length > 0) console.log(`kept demo prompt set(s) that non-demo runs use: ${r.keptPromptSets.join(", ")}`);
    return 0;
  }

  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(130);
      console.log(`${sig}: stopping (again to force); run seed:demo again to finish`);
      controller.abort();
    });
  }
  const r = await seedDemo({ ifEmpty: values["if-empty"], score: !values["no-score"], signal: controller.signal, log: (line) => console.log(line) });
  if (r.outcome === "not_empty") {
    console.log(`the database already has runs; demo data not added (${config().dbPath})`);
    return 0;
  }
  if (r.outcome === "already_present") console.log("demo data already present");
  else console.log(`demo data added: ${r.runsCreated} runs, ${r.variantsCreated} variants, ${r.imagesDrawn} images drawn${r.promptSetCreated ? `, prompt set ${DEMO_PROMPT_SET}` : ""}`);
  if (r.runsScored + r.runsFailed > 0) console.log(`scored ${r.runsScored} demo runs${r.runsFailed > 0 ? `, ${r.runsFailed} failed` : ""}`);
  if (r.runsPending > 0) console.log(`${r.runsPending} demo runs wait for a worker (npm run worker)`);
  console.log(`done in ${elapsed()}`);
  return r.runsFailed > 0 ? 1 : 0;
}

main()
  .then((code) => {
    closeDb();
    process.exit(code);
  })
  .catch((e) => {
    console.error(`seed:demo: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
