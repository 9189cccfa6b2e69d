// npm run toy:reference: render and store a toy-world reference set for a prompt set of toy captions.
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { createToyReferenceSet } from "../../lib/reference-sets/create-toy-reference-set";
import { checkOptions } from "../../tools/toy/check-options";

const HELP = `Usage: npm run toy:reference -- --prompt-set NAME [--per-prompt N] [--name NAME] [--seed S]

For each prompt of the prompt set (each must be a caption of the toy-world grammar, e.g. "two
small red circles" or "a blue star on the left"), draws N scenes that the caption allows from
the scene grammar (what it leaves open varies as in the grammar: position, size, background,
colour jitter, ...), renders them and stores them as a reference set tied to that prompt set
(the next version of --name). Scored runs of that prompt set are queued for comparison at once;
later runs are compared after scoring. Runs on the server machine against its database
(T2I_DATA_DIR / T2I_DB_PATH; migrated first), like npm run runs -- rescore --all.

Options:
  --prompt-set NAME  prompt set (name or id; latest version)
  --per-prompt N     scenes per prompt (default 16; k-NN metrics per prompt need more than 5)
  --name NAME        reference set name (default <prompt set>-truth)
  --seed S           first scene seed (default 0); same seed, same images
  -h, --help         show this help

Exit codes: 0 stored, 1 refused (unknown prompt set, a prompt that is not a toy caption), 2 bad arguments.
`;

const argsSchema = z.object({
  "prompt-set": z.string().min(1),
  "per-prompt": z.coerce.number().int().min(2).max(1000).default(16),
  name: z.string().min(1).optional(),
  seed: z.coerce.number().int().min(0).default(0),
});

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        "prompt-set": { type: "string" },
        "per-prompt": { type: "string" },
        name: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "toy:reference", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const o = checkOptions(argsSchema, values, HELP);
  if (!o) return 2;
  migrate();
  try {
    const r = await createToyReferenceSet({
      promptSet: o["prompt-set"],
      perPrompt: o["per-prompt"],
      name: o.name,
      seed: o.seed,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    process.stdout.write(
      `stored reference set ${r.referenceSet.name} v${r.referenceSet.version} (${r.referenceSet.id}): ${r.images} images; ${r.queuedRuns} scored run(s) queued for comparison\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  } finally {
    closeDb();
  }
}

main().then((code) => process.exit(code));
