// `npm run runs -- rescore RUN_ID… | --variant NAME | --all`: score runs with the installed
// evaluator. Named runs go through the REST API (POST /api/v1/runs/{id}/rescore, any machine
// with an API key); --variant and --all act on the local database, on the server machine (like
// `npm run apikey`), queueing one job per run in one transaction for the server's workers.
import { parseCliArgs } from "../../../lib/core/cli-args";
import { closeDb } from "../../../db/client";
import { migrate } from "../../../db/migrate";
import { isAppError } from "../../../lib/core/errors";
import { serviceEvaluatorIdentity } from "../../../lib/scoring/service-evaluator";
import { rescoreRuns } from "../../../lib/runs/rescore-run";
import { postEach } from "./api-client";
import type { RunsSubcommand } from "./subcommand";

const usage = `Usage: npm run runs -- rescore RUN_ID [RUN_ID…] [--server URL] [--key KEY]
       npm run runs -- rescore --variant NAME | --all        (on the server machine)

Scores runs with the evaluator the service has installed (after npm run fetch-model).
Scores are kept per evaluator, so the old ones stay; embeddings already computed are reused,
and an interrupted re-score resumes. Progress shows on each run's page and API answer.

  RUN_ID…          through the service's REST API (POST /api/v1/runs/{id}/rescore)
  --variant NAME   every scored run of the variant that lacks the installed evaluator's scores
  --all            every scored run that lacks them
                   (both act on the database in T2I_DATA_DIR / T2I_DB_PATH on this machine;
                   the server's scoring workers pick the runs up)
  --server URL     default http://localhost:3000 (or T2I_SERVER)
  --key KEY        API key (default: T2I_API_KEY)
  -h, --help

Exit codes: 0 done, 1 something was refused (its error is printed), 2 bad arguments or the
service is unreachable.
`;

async function rescoreLocally(variant: string | undefined): Promise<number> {
  migrate();
  try {
    const evaluator = await serviceEvaluatorIdentity();
    const { queued } = rescoreRuns(evaluator.id, { variant });
    const scope = variant ? `of variant ${variant} ` : "";
    if (queued.length === 0) process.stdout.write(`every scored run ${scope}already has scores from ${evaluator.id}\n`);
    else
      process.stdout.write(
        `queued ${queued.length} run(s) ${scope}for scoring by ${evaluator.id}; the server's workers score them (progress on each run's page)\n`,
      );
    return 0;
  } catch (e) {
    if (!isAppError(e)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  } finally {
    closeDb();
  }
}

export const rescoreCommand: RunsSubcommand = {
  name: "rescore",
  summary: "score runs with the installed evaluator (REST per run; --variant/--all on the server)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      {
        args: argv,
        options: {
          variant: { type: "string" },
          all: { type: "boolean", default: false },
          server: { type: "string" },
          key: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
        allowPositionals: true,
      },
      { script: "runs rescore", usage: usage },
    );
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    const modes = [positionals.length > 0, values.variant !== undefined, values.all].filter(Boolean).length;
    if (modes !== 1) {
      process.stderr.write(`error: give run ids, --variant NAME or --all (one of them)\n\n${usage}`);
      return 2;
    }
    if (positionals.length === 0) return rescoreLocally(values.variant);
    return postEach(
      positionals,
      values,
      (id) => `/api/v1/runs/${encodeURIComponent(id)}/rescore`,
      (id, a, server) =>
        a.status === 202
          ? `${id}: queued for scoring by ${String(a.body.evaluator)}  ${server}/runs/${id}`
          : `${id}: ${String(a.body.message)}`,
    );
  },
};
