// npm run worker: a scoring worker. Start any number: on the server's machine (sharing its
// database file), or anywhere with --server URL and a worker token (they never open the database
// or the data folder); each claims queued runs, scores them and survives the others' crashes.
import { parseCliArgs } from "../../lib/core/cli-args";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { modelVariantSchema } from "../../lib/clip/model-folder";
import { resolveModel, resolveServiceModel } from "../../lib/clip/resolve-model";
import { config } from "../../lib/core/config";
import { PROVIDER_CHOICES, type ProviderChoice } from "../../lib/core/execution-provider";
import { StopWorkerError } from "../../lib/workers/job-source";
import { remoteJobSource } from "../../lib/workers/remote/remote-job-source";
import { ScoringApi } from "../../lib/workers/remote/scoring-api";
import { defaultWorkerId, startWorker } from "../../lib/workers/run-worker";

const HELP = `Usage: npm run worker -- [options]

Scores queued runs: claims the oldest queued job (or one whose worker stopped renewing its
lease), embeds the run's images and prompts (reusing cached embeddings), stores per-sample,
per-prompt and run-level scores, and marks the run scored. Progress is committed every chunk,
so a killed worker loses at most one chunk; another worker resumes the run once the lease
expires. SIGTERM / SIGINT: finish the current chunk, hand the job back, exit.

Options:
  --server URL      work for the service at URL over HTTP (docs/reference/worker-protocol.md)
                    instead of opening the database: any machine, GPU or not. Needs a worker
                    token (the kind GPU generation workers use).
  --token T         worker token t2iw_… (default T2I_WORKER_TOKEN); made on the server with
                    npm run worker-token -- create --name NAME
  --model DIR       evaluator folder ('fixture' = bundled random-weight test model, 'toy' = the
                    toy-world model). Default: T2I_MODEL_DIR, else the installed model, else the
                    fixture. A remote worker's evaluator must be the server's (same files and
                    variant): the server answers 409 naming both otherwise, and the worker stops.
  --variant V       fp32 | fp16 | quantized
  --execution-provider P
                    auto | cpu | cuda (default T2I_EXECUTION_PROVIDER = ${config().executionProvider}): where the
                    CLIP towers run; auto uses CUDA when onnxruntime-node's CUDA binaries load.
                    Printed at start, with the batch size (16 on the CPU, 64 on CUDA).
  --worker-id ID    name in the jobs table and the logs (default host:pid:random)
  --lease-ms N      lease length, local only (default T2I_JOB_LEASE_MS = ${config().jobLeaseMs}; a
                    remote worker gets the server's)
  --poll-ms N       idle poll interval (default T2I_JOB_POLL_MS = ${config().jobPollMs}); remote workers
                    long-poll instead (up to 20 s per claim)
  --once            exit when the queue is empty
  -h, --help        this text

Database (without --server): T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite); migrated on start.
Exit code 0 after a stop or --once, 1 when the worker cannot work (refused token, another
evaluator than the server's, unloadable model), 2 on bad arguments.
`;

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        model: { type: "string" },
        variant: { type: "string" },
        "worker-id": { type: "string" },
        server: { type: "string" },
        token: { type: "string" },
        "execution-provider": { type: "string" },
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
  const provider = values["execution-provider"] ?? config().executionProvider;
  if (!(PROVIDER_CHOICES as readonly string[]).includes(provider)) {
    process.stderr.write(`--execution-provider must be one of ${PROVIDER_CHOICES.join(", ")}, got "${provider}"\n`);
    return 2;
  }
  const remote = values.server !== undefined;
  // A remote worker loads its own model (the server's service model is not on this machine's disk).
  const model =
    values.model || variant ? resolveModel(values.model, variant) : remote ? resolveServiceModel() : undefined;
  const workerId = values["worker-id"] ?? defaultWorkerId();
  const log = (line: string) => console.log(`[worker ${workerId}] ${line}`);

  let source;
  if (remote) {
    const token = values.token ?? config().workerToken;
    if (!token) {
      process.stderr.write("--server needs a worker token: give --token or set T2I_WORKER_TOKEN\n");
      return 2;
    }
    const api = new ScoringApi({ serverUrl: values.server!, token, workerId, log });
    source = remoteJobSource({ api, waitSeconds: values.once ? 0 : 20 });
    log(`working for ${values.server} over HTTP`);
  } else migrate();

  const controller = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(130);
      log(`${sig}: stopping after the current chunk (again to force)`);
      controller.abort();
    });
  }
  try {
    const stats = await startWorker({
      workerId,
      model,
      source,
      log,
      executionProvider: provider as ProviderChoice,
      leaseMs: int("lease-ms", values["lease-ms"]),
      pollMs: int("poll-ms", values["poll-ms"]),
      exitWhenIdle: values.once,
      signal: controller.signal,
    });
    log(
      `stopped: ${stats.jobsDone} done, ${stats.jobsFailed} failed, ${stats.jobsRequeued} requeued, ${stats.leasesLost} leases lost`,
    );
  } catch (e) {
    if (!(e instanceof StopWorkerError)) throw e;
    process.stderr.write(`worker: ${e.message}\n`);
    return 1;
  } finally {
    if (!remote) closeDb();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
