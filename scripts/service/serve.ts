// npm start: prepares and starts the service on the embedded SQLite database.
// Applies migrations, says which evaluator will score (offering the real model's download),
// builds the web app on first start, then runs `next start`.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline/promises";
import net from "node:net";
import { parseCliArgs, usageErrorText } from "../../lib/core/cli-args";
import { migrate } from "../../db/migrate";
import { FIXTURE_WARNING, TOY_WARNING } from "../../lib/clip/identity";
import { TOY_MODEL_DIR, resolveServiceModel } from "../../lib/clip/resolve-model";
import { config } from "../../lib/core/config";
import { seedDemo } from "../../lib/demo/seed-demo";
import { ENTRY_POINTS } from "../../lib/core/entry-points";

const HELP = `Usage: npm start -- [--port 3000] [--host 0.0.0.0] [--no-prompt] [--rebuild]

Starts the evaluation service: applies database migrations (SQLite under T2I_DATA_DIR,
default ./data), picks the evaluator (the model installed by 'npm run fetch-model', else
the bundled random-weight test evaluator, whose scores are labelled as not meaningful;
T2I_MODEL_DIR=toy picks the trained toy-world evaluator, labelled as meaningful only on
toy-world images),
seeds the toy-world demo into an empty database (the toy seed experiment: real samples of the
trained toy generators scored by the toy-world evaluator, marked as demo everywhere; about a
minute, while the web app builds), builds the web app if it has not been built, and serves
it (server/next-server.mjs: 'next start' plus the peer address in X-Forwarded-For). The server
also works the scoring queue (set T2I_INPROCESS_WORKER=0 to leave that to 'npm run worker').

  --port N      port (default 3000, or PORT)
  --host H      address to listen on (default 0.0.0.0)
  --no-prompt   never ask to download the real model
  --rebuild     run 'next build' even if a build exists
  --no-demo     don't seed the toy-world demo into an empty database
`;

async function offerDownload(): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question("Download the real evaluator (CLIP ViT-B/32, about 600 MB) now? [y/N] "))
    .trim()
    .toLowerCase();
  rl.close();
  if (answer !== "y" && answer !== "yes") return;
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.fetchModel], { stdio: "inherit" });
  if (r.status !== 0)
    console.log("Download failed; starting with the test evaluator. Retry later with: npm run fetch-model");
}

function buildWebApp(): Promise<number> {
  console.log("building the web app (first start only; about a minute)…");
  return new Promise((resolve) => {
    // Skips next build's type check (next.config.js says why); `npm run build` still runs it.
    const b = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
      stdio: "inherit",
      env: { ...process.env, T2I_FIRST_START_BUILD: "1" },
    });
    b.on("exit", (code) => resolve(code ?? 1));
  });
}

/** Every page has content on first start; `npm run seed:demo -- --remove` takes it away. */
async function seedFirstStart(): Promise<void> {
  const started = performance.now();
  let demo;
  try {
    demo = await seedDemo({ ifEmpty: true });
  } catch (e) {
    // The service is still useful without its demo; say how to finish or drop what was written.
    console.error(
      `demo data not seeded: ${e instanceof Error ? e.message : e}; finish it with 'npm run seed:demo' or drop it with 'npm run seed:demo -- --remove'`,
    );
    return;
  }
  if (demo.outcome === "seeded") {
    console.log(
      `demo data: the toy-world experiment, ${demo.runsCreated} demo runs (${demo.samplesGenerated} samples by the toy generators, scored by the toy-world evaluator) ` +
        `and its reference set, seeded in ${((performance.now() - started) / 1000).toFixed(0)} s (remove with: npm run seed:demo -- --remove)`,
    );
  }
}

/** Resolves when `port` can be listened on at `host`; otherwise exits 1 with what to do. */
function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => {
      console.error(
        e.code === "EADDRINUSE"
          ? `error: port ${port} is already in use on ${host} (another t2i-eval?); stop it, or start this one with: npm start -- --port ${port + 1}`
          : `error: cannot listen on ${host}:${port}: ${e.message}`,
      );
      process.exit(1);
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        port: { type: "string", default: String(config().port) },
        host: { type: "string", default: "0.0.0.0" },
        "no-prompt": { type: "boolean", default: false },
        rebuild: { type: "boolean", default: false },
        "no-demo": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "start", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  if (!/^\d+$/.test(values.port!) || Number(values.port) < 1 || Number(values.port) > 65535) {
    process.stderr.write(
      usageErrorText("start", `--port must be a whole number from 1 to 65535, got "${values.port}"`, HELP),
    );
    process.exit(2);
  }
  // Before migrating, seeding and building: a second `npm start` on a taken port stops here.
  await assertPortFree(Number(values.port), values.host!);
  const cfg = config();
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  migrate();
  console.log(`database: ${path.join(cfg.dataDir, "t2i.sqlite")} (migrations applied)`);

  let model = resolveServiceModel();
  const isFixture = () => path.resolve(model.dir) === path.resolve("fixtures/clip-tiny");
  if (isFixture() && !values["no-prompt"] && process.stdin.isTTY && !config().ci) {
    console.log(`No real evaluator is installed; scores would come from the ${FIXTURE_WARNING}.`);
    await offerDownload();
    model = resolveServiceModel();
  }
  const isToy = path.resolve(model.dir) === TOY_MODEL_DIR;
  console.log(
    `evaluator: ${model.dir} (${model.variant})${isFixture() ? ` — ${FIXTURE_WARNING}; install the real one with: npm run fetch-model` : isToy ? ` — ${TOY_WARNING}` : ""}`,
  );

  // The web build (a child process) and the demo seeding (this process: toy generators and
  // evaluator on ONNX) run side by side; the server starts once both are done, so its worker
  // never sees the demo's scoring jobs and the first page already shows the toy-world board.
  const build = values.rebuild || !fs.existsSync(".next/BUILD_ID") ? buildWebApp() : Promise.resolve(0);
  const demo = values["no-demo"] ? Promise.resolve() : seedFirstStart();
  const [buildStatus] = await Promise.all([build, demo]);
  if (buildStatus !== 0) process.exit(buildStatus);

  const host = values.host!;
  const shown = host === "0.0.0.0" ? "localhost" : host;
  console.log(`\n  t2i-eval is starting on http://${shown}:${values.port}\n`);
  // Like `next start`, plus the peer address in X-Forwarded-For and JSON 400s for malformed paths.
  const child = spawn(
    process.execPath,
    [path.resolve(ENTRY_POINTS.nextServer), "--port", values.port!, "--host", host],
    {
      stdio: "inherit",
    },
  );
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
