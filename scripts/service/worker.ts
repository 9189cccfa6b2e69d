// npm run worker: a scoring worker. Start any number, on one machine or several sharing the
// database file; each claims queued runs, scores them and survives the others' crashes.
import { parseCliArgs } from "../../lib/core/cli-args";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { modelVariantSchema } from "../../lib/clip/model-folder";
import { resolveModel } from "../../lib/clip/resolve-model";
import { config } from "../../lib/core/config";
import { defaultWorkerId, startWorker } from "../../lib/workers/run-worker";

const HELP = `Usage: npm run worker -- [options]

Scores queued runs: claims the oldest queued job (or one whose worker stopped renewing its
lease), embeds the run's images and prompts (reusing cached embeddings), stores per-sample,
per-prompt and run-level scores, and marks the run scored. Progress is committed every chunk,
so a killed worker loses at most one chunk; another worker resumes the run once the lease
expires. SIGTERM / SIGINT: finish the current chunk, hand the job back, exit.

Options:
  --model DIR       evaluator folder ('fixture' = bundled random-weight test model).
                    Default: T2I_MODEL_DIR, else the installed model, else the fixture.
  --variant V       fp32 | fp16 | quantized
  --worker-id ID    name in the jobs table and the logs (default host:pid:random)
  --lease-ms N      lease length (default T2I_JOB_LEASE_MS = ${config().jobLeaseMs})
  --poll-ms N       idle poll interval (default T2I_JOB_POLL_MS = ${config().jobPollMs})
  --once            exit when the queue is empty
  -h, --help        this text

Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite); migrated on start.
`;

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
        variant: { type: "string" },
        "worker-id": { type: "string" },
        "lease-ms": { type: "string" },
        "poll-ms": { type: "string" },
        once: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "worker", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 10) throw new Error(`--${name} must be an integer ≥ 10, got "${v}"`);
    return n;
  };
  const variant = values.variant === undefined ? undefined : modelVariantSchema.parse(values.variant);
  const model = values.model || variant ? resolveModel(values.model, variant) : undefined;
  const workerId = values["worker-id"] ?? defaultWorkerId();

  migrate();
  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(130);
      console.log(`[worker ${workerId}] ${sig}: stopping after the current chunk (again to force)`);
      controller.abort();
    });
  }
  const stats = await startWorker({
    workerId,
    model,
    leaseMs: int("lease-ms", values["lease-ms"]),
    pollMs: int("poll-ms", values["poll-ms"]),
    exitWhenIdle: values.once,
    signal: controller.signal,
  });
  console.log(
    `[worker ${workerId}] stopped: ${stats.jobsDone} done, ${stats.jobsFailed} failed, ${stats.jobsRequeued} requeued, ${stats.leasesLost} leases lost`,
  );
  closeDb();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
