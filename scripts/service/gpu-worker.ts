// npm run gpu-worker: a generation worker for docs/reference/worker-protocol.md. Runs on a GPU machine,
// claims generation tasks from the service, makes the images (in-process ONNX pipeline or the
// researcher's own program) and uploads them. Start as many as there are GPUs.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../../lib/core/cli-args";
import { z } from "zod";
import { config } from "../../lib/core/config";
import { PROVIDER_CHOICES } from "../../lib/core/execution-provider";
import { CommandEngine } from "../../lib/generation/worker-client/command-engine";
import type { GenerationEngine } from "../../lib/generation/worker-client/engine";
import { modelDigest } from "../../lib/generation/worker-client/model-digest";
import { OnnxEngine, ONNX_SAMPLERS } from "../../lib/generation/worker-client/onnx-engine";
import { ToyEngine, TOY_SAMPLERS } from "../../lib/generation/worker-client/engines/toy-engine";
import { runGenerationWorker } from "../../lib/generation/worker-client/run-generation-worker";
import { TOY_VARIANTS } from "../../lib/toy-world/toy-generator";
import { WorkerApi } from "../../lib/generation/worker-client/worker-api";

const FIXTURE_DIR = path.join(fileURLToPath(new URL("../..", import.meta.url)), "fixtures", "diffusion-tiny");

const HELP = `Usage: npm run gpu-worker -- --engine onnx|command|toy --variant NAME [--variant NAME…] [options]

Claims generation tasks of the given variants from the service (long poll), generates every
sample of a task, uploads each PNG, and completes the task; a heartbeat keeps the task's lease
while it works. Errors are reported to the service with the reason (the task is retried up to
its attempt limit); a task whose lease was lost is dropped. Network errors are retried with
backoff. Protocol: docs/reference/worker-protocol.md.

Connection:
  --server URL          the service (default T2I_SERVER, else http://localhost:3000)
  --token T             worker token t2iw_… from \`npm run worker-token -- create --name NAME\`
                        (default T2I_WORKER_TOKEN; prefer the variable: arguments show in ps)
  --variant NAME        a variant this worker generates; repeat for several (required)
  --poll-seconds N      long-poll wait per claim, 0–30 (default 30)
  --once                handle one claim (a task, or none within --poll-seconds), then exit

Engines:
  --engine onnx         Stable Diffusion on onnxruntime, in this process
    --model DIR         a folder in Hugging Face Optimum's ONNX layout (model_index.json,
                        text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/), e.g. from
                        \`optimum-cli export onnx --model stable-diffusion-v1-5/stable-diffusion-v1-5 DIR\`;
                        "fixture" = fixtures/diffusion-tiny (random weights: noise, for tests)
    --provider P        auto | cpu | cuda (default T2I_EXECUTION_PROVIDER, else auto): auto uses
                        CUDA when onnxruntime-node can load it and says why not otherwise
    --threads N         CPU threads per session (default T2I_THREADS, else all cores)
                        Tasks must ask for sampler ${ONNX_SAMPLERS.join(" or ")} (run with eta 0); others fail.
                        A sample's starting noise comes from its seed alone (MT19937 + Box–Muller):
                        reproducible on this engine, but not the noise diffusers/torch draws.

  --engine toy          the four trained toy-world generators (fixtures/toy-gen) on onnxruntime,
                        CPU, rendered by the toy renderer: no Python, no GPU. The variant picks
                        the conditioning: ${Object.entries(TOY_VARIANTS)
                          .map(([v, c]) => `${v} (${c})`)
                          .join(",\n                        ")}.
    --threads N         CPU threads per session (default T2I_THREADS, else all cores)
                        Tasks must ask for sampler ${TOY_SAMPLERS.join(" or ")}; each sample comes from its seed alone
                        (mulberry32 + Box–Muller, the same stream as research/toy-world/gen.py).

  --engine command      runs your program once per task:
    --model DIR         optional: the model folder your program loads; its name and a SHA-256
                        over its files are recorded on every run this worker generates
    --command "…"       run with /bin/sh -c in this directory, with this worker's environment plus
                          T2I_TASK_FILE   path of a JSON file describing the task
                          T2I_OUTPUT_DIR  an empty folder for the images
                        and the same JSON on stdin:
                          { "version": 1, "taskId", "attempt", "generationId", "runId", "variant",
                            "prompt": "…", "promptId", "negativePrompt": "…" or null,
                            "guidanceScale", "steps", "sampler", "width", "height",
                            "samples": [{ "index": 0, "seed": 123 }, …], "outputDir": "…" }
                        It must write <outputDir>/<index>.png for every sample (width × height,
                        from that sample's seed) and exit 0. A non-zero exit fails the task with
                        the end of its stderr; a missing, corrupt, non-PNG or wrongly sized PNG
                        fails it naming the index. On a lost lease, a stop or the timeout its
                        process group gets SIGTERM, then SIGKILL 5 s later.
                        Example: examples/generators/diffusers_generate.py
    --command-timeout S stop the program after S seconds (default: no limit)

Stopping:
  --grace-seconds S     after SIGTERM or SIGINT, how long the current task may run on (default 30)
                        SIGTERM / SIGINT stop claiming and let the current task finish within the
                        grace period; after it, or on a second signal, the task is stopped and
                        reported failed so that it returns to the queue at once (the protocol has
                        no hand-back call, so this uses up one of the task's attempts). A third
                        signal exits at once.
Exit code 0 after a stop or --once, 1 on a fatal error (a --variant the server does not know,
refused token, unloadable model, server unreachable with --once), 2 on bad arguments.

  -h, --help            this text
`;

const argsSchema = z
  .object({
    server: z.string().url(),
    token: z.string().min(1, "give --token or set T2I_WORKER_TOKEN"),
    engine: z.enum(["onnx", "command", "toy"]),
    model: z.string().min(1).optional(),
    variant: z.array(z.string().min(1)).min(1, "give at least one --variant"),
    command: z.string().min(1).optional(),
    commandTimeout: z.coerce.number().positive().optional(),
    provider: z.enum(PROVIDER_CHOICES),
    threads: z.coerce.number().int().min(1).max(256),
    once: z.boolean(),
    pollSeconds: z.coerce.number().int().min(0).max(30),
    graceSeconds: z.coerce.number().min(0),
  })
  .refine((a) => a.engine !== "onnx" || a.model, { message: "--engine onnx needs --model DIR", path: ["model"] })
  .refine((a) => a.engine !== "command" || a.command, {
    message: '--engine command needs --command "…"',
    path: ["command"],
  });

function timestamped(line: string): void {
  console.log(`[gpu-worker ${new Date().toISOString()}] ${line}`);
}

async function main(): Promise<number> {
  const { values } = parseCliArgs(
    {
      options: {
        server: { type: "string" },
        token: { type: "string" },
        engine: { type: "string" },
        model: { type: "string" },
        variant: { type: "string", multiple: true },
        command: { type: "string" },
        "command-timeout": { type: "string" },
        provider: { type: "string" },
        threads: { type: "string" },
        once: { type: "boolean", default: false },
        "poll-seconds": { type: "string" },
        "grace-seconds": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    },
    { script: "gpu-worker", usage: HELP },
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const cfg = config();
  const parsed = argsSchema.safeParse({
    server: values.server ?? cfg.serverUrl,
    token: values.token ?? cfg.workerToken ?? "",
    engine: values.engine,
    model: values.model,
    variant: values.variant ?? [],
    command: values.command,
    commandTimeout: values["command-timeout"],
    provider: values.provider ?? cfg.executionProvider,
    threads: values.threads ?? cfg.threads,
    once: values.once,
    pollSeconds: values["poll-seconds"] ?? 30,
    graceSeconds: values["grace-seconds"] ?? 30,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.length ? `--${i.path.join(".")}: ` : ""}${i.message}`);
    process.stderr.write(`Invalid arguments:\n${lines.join("\n")}\n\nRun with --help for the options.\n`);
    return 2;
  }
  const args = parsed.data;

  const api = new WorkerApi({ serverUrl: args.server, token: args.token, log: timestamped });
  const unknown = await api.unknownVariants(args.variant);
  if (unknown.length > 0) {
    const names = unknown.map((n) => `"${n}"`).join(", ");
    process.stderr.write(
      `gpu-worker: the server at ${args.server} has no variant named ${names}, so no task for ${unknown.length === 1 ? "it" : "them"} can ever come.\n` +
        `Its variants: ${args.server.replace(/\/+$/, "")}/api/v1/variants (names are case-sensitive). A variant exists once a run of it is uploaded\n` +
        `(npm run upload -- … --variant NAME --conditioning TYPE) or it is created with POST /api/v1/variants.\n`,
    );
    return 1;
  }

  let engine: GenerationEngine;
  if (args.engine === "onnx") {
    const modelDir = args.model === "fixture" ? FIXTURE_DIR : path.resolve(args.model!);
    engine = await OnnxEngine.create({ modelDir, provider: args.provider, threads: args.threads });
    const provider = (engine as OnnxEngine).pipeline.provider;
    timestamped(`execution provider: ${provider.description}`);
  } else if (args.engine === "toy") {
    engine = new ToyEngine({ threads: args.threads });
  } else {
    engine = new CommandEngine({
      command: args.command!,
      timeoutMs: args.commandTimeout ? args.commandTimeout * 1000 : undefined,
    });
    timestamped("execution provider: whatever the command uses (the command engine runs no ONNX in this process)");
  }
  timestamped(`${engine.description}; variants ${args.variant.join(", ")}; server ${args.server}`);

  const stop = new AbortController();
  const abandon = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (abandon.signal.aborted) {
        timestamped(`${sig} a third time: exiting without reporting`);
        process.exit(130);
      }
      if (stop.signal.aborted) {
        timestamped(`${sig} again: stopping the current task and reporting it failed`);
        abandon.abort(new Error(`${sig} received twice`));
        return;
      }
      timestamped(
        `${sig}: no new tasks; the current one may finish within ${args.graceSeconds} s (${sig} again to stop it now)`,
      );
      stop.abort(new Error(sig));
      setTimeout(
        () => abandon.abort(new Error(`${sig}, and the ${args.graceSeconds} s grace period ran out`)),
        args.graceSeconds * 1000,
      ).unref();
    });
  }

  // Reported with each completed task and shown on the run page (docs/reference/worker-protocol.md).
  const modelDir = args.model
    ? args.model === "fixture" && args.engine === "onnx"
      ? FIXTURE_DIR
      : path.resolve(args.model)
    : undefined;
  const provenance = { engine: args.engine, ...(modelDir ? { model: await modelDigest(modelDir) } : {}) };
  timestamped(
    provenance.model
      ? `model ${provenance.model.name} sha256 ${provenance.model.sha256}`
      : "model: not given (--model DIR records one)",
  );

  try {
    const stats = await runGenerationWorker({
      api,
      engine,
      variants: args.variant,
      waitSeconds: args.pollSeconds,
      once: args.once,
      stop: stop.signal,
      abandon: abandon.signal,
      log: timestamped,
      provenance,
    });
    timestamped(
      `stopped: ${stats.tasksCompleted} tasks completed, ${stats.tasksFailed} failed, ${stats.leasesLost} leases lost, ${stats.samplesUploaded} samples uploaded`,
    );
  } finally {
    await engine.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`gpu-worker: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
