// npm run seed:demo: adds (or with --remove deletes) the toy-world demo, so that every page has
// real content on a fresh install with no network. The core is lib/demo/.
import { parseCliArgs } from "../../lib/core/cli-args";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { config } from "../../lib/core/config";
import {
  DEMO_EXPERIMENT,
  DEMO_PROMPT_SET,
  DEMO_REFERENCE,
  DEMO_REPRODUCE_COMMAND,
  DEMO_VARIANTS,
} from "../../lib/demo/demo-catalog";
import { removeDemo } from "../../lib/demo/remove-demo";
import { seedDemo } from "../../lib/demo/seed-demo";

const HELP = `Usage: npm run seed:demo -- [--if-empty] | --remove

Adds the toy-world demo: the toy seed experiment run on this database. The four trained toy
generators (fixtures/toy-gen: ${DEMO_VARIANTS.join(", ")}) make the samples through the
generation protocol for the prompt set '${DEMO_PROMPT_SET}' (${DEMO_EXPERIMENT.promptsPerType} underspecified + ${DEMO_EXPERIMENT.promptsPerType} compositional toy
prompts) at guidance ${DEMO_EXPERIMENT.guidanceScales.join(", ")}, ${DEMO_EXPERIMENT.samplesPerPrompt} samples per prompt, DDIM ${DEMO_EXPERIMENT.steps} steps, seed ${DEMO_EXPERIMENT.seed}
(the settings of '${DEMO_REPRODUCE_COMMAND}', so the same images); the toy-world evaluator
(fixtures/clip-toy) scores them in this process, whatever evaluator the service uses. Then the
toy reference set '${DEMO_PROMPT_SET}-truth' (${DEMO_REFERENCE.perPrompt} scenes per prompt from the scene grammar) is rendered
and every demo run is compared with it (recall, coverage, precision, density, FD, CMMD).
Every row is flagged as demo data. Running it again adds nothing; a variant an interrupted
seeding left unfinished is generated again. A running service's worker leaves demo runs to the
toy-world evaluator, so the service may keep running; seeding refuses while non-demo scoring
jobs wait (its own worker would score them with the toy-world evaluator).

  --if-empty   seed only if the database has no runs at all (first start)
  --remove     delete all demo runs, variants and prompt sets, the reference sets tied to
               those prompt sets, their samples, scores and jobs, and the image files that no
               other run or reference set uses; other data is left as it is
  -h, --help   this text

Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite); migrated first.
`;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        "if-empty": { type: "boolean", default: false },
        remove: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "seed:demo", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.remove && values["if-empty"]) throw new Error("--remove takes no other option");

  migrate();
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  if (values.remove) {
    const r = removeDemo();
    if (
      r.runs + r.variants + r.promptSets + r.referenceSets + r.images === 0 &&
      r.keptVariants.length + r.keptPromptSets.length === 0
    ) {
      console.log("no demo data to remove");
    } else {
      console.log(
        `removed ${count(r.runs, "demo run")} (${count(r.samples, "sample")}), ${count(r.variants, "variant")}, ${count(r.promptSets, "prompt set")}, ${count(r.referenceSets, "reference set")}, ` +
          `${count(r.images, "image")} (${count(r.filesDeleted, "file")}) in ${elapsed()}`,
      );
    }
    if (r.keptVariants.length > 0)
      console.log(`kept demo variant(s) that non-demo runs use: ${r.keptVariants.join(", ")}`);
    if (r.keptPromptSets.length > 0)
      console.log(`kept demo prompt set(s) that non-demo runs use: ${r.keptPromptSets.join(", ")}`);
    return 0;
  }

  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(130);
      console.log(
        `${sig}: stopping (again to force); run seed:demo again to finish (unfinished variants are generated again)`,
      );
      controller.abort();
    });
  }
  const r = await seedDemo({
    ifEmpty: values["if-empty"],
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  if (r.outcome === "not_empty") {
    console.log(`the database already has runs; demo data not added (${config().dbPath})`);
    return 0;
  }
  if (r.outcome === "already_present") console.log("demo data already present");
  else {
    console.log(
      `demo data added: ${count(r.runsCreated, "run")} of ${count(r.variantsCreated, "new variant")}, ${count(r.samplesGenerated, "sample")} generated ` +
        `(${r.seconds.generate.toFixed(0)} s) and scored by the toy-world evaluator (${r.seconds.score.toFixed(0)} s), ` +
        `${count(r.referenceImages, "reference image")} rendered and compared (${r.seconds.reference.toFixed(0)} s)${r.promptSetCreated ? `, prompt set ${DEMO_PROMPT_SET}` : ""}`,
    );
  }
  console.log(`done in ${elapsed()}`);
  return 0;
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
