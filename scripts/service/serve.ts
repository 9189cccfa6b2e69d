// npm start: prepares and starts the service on the embedded SQLite database.
// Applies migrations, says which evaluator will score (offering the real model's download),
// builds the web app on first start, then runs `next start`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import readlinePromises from "node:readline/promises";
import { parseCliArgs, usageErrorText } from "../../lib/core/cli-args";
import { migrate } from "../../db/migrate";
import { FIXTURE_WARNING, TOY_WARNING } from "../../lib/clip/identity";
import { TOY_MODEL_DIR, resolveServiceModel } from "../../lib/clip/resolve-model";
import { config } from "../../lib/core/config";
import { seedDemoInThread } from "../../lib/demo/seed-demo-in-thread";
import { ENTRY_POINTS } from "../../lib/core/entry-points";
import { answerWhileStarting, StartupProgress, type StartPhase } from "../../lib/http/starting-page";
import { isBuildWarning, nextBuildStep } from "../../lib/http/next-build-progress";

/** The longest the terminal stays silent while starting. */
const HEARTBEAT_S = 10;

const HELP = `Usage: npm start -- [--port 3000] [--host 0.0.0.0] [--no-prompt] [--rebuild] [--no-demo]

Starts the evaluation service: listens on the port at once (a "starting" page that follows
the progress, and 503 with Retry-After from the API, until the app is ready), applies
database migrations (SQLite under T2I_DATA_DIR, default ./data), picks the evaluator (the
model installed by 'npm run fetch-model', else the bundled random-weight test evaluator,
whose scores are labelled as not meaningful; T2I_MODEL_DIR=toy picks the trained toy-world
evaluator, labelled as meaningful only on toy-world images), seeds the toy-world demo into an
empty database (the toy seed experiment: real samples of the trained toy generators scored by
the toy-world evaluator, marked as demo everywhere), builds the web app if it has not been
built (first start; the build runs beside the seeding, its whole output goes to
T2I_DATA_DIR/logs/next-build.log), and serves it (server/next-server.mjs: 'next start' plus the
peer address in X-Forwarded-For), handing it the listening port. The server also works the
scoring queue (set T2I_INPROCESS_WORKER=0 to leave that to 'npm run worker').
Progress: a line for every step, and one at least every ${HEARTBEAT_S} s.

  --port N      port (default 3000, or PORT)
  --host H      address to listen on (default 0.0.0.0)
  --no-prompt   never ask to download the real model
  --rebuild     run 'next build' even if a build exists
  --no-demo     don't seed the toy-world demo into an empty database
`;

async function offerDownload(): Promise<void> {
  const rl = readlinePromises.createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question("Download the real evaluator (CLIP ViT-B/32, about 600 MB) now? [y/N] "))
    .trim()
    .toLowerCase();
  rl.close();
  if (answer !== "y" && answer !== "yes") return;
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY_POINTS.fetchModel], { stdio: "inherit" });
  if (r.status !== 0)
    console.log("Download failed; starting with the test evaluator. Retry later with: npm run fetch-model");
}

/**
 * `next build` with its output in a log file and its steps on the progress: the terminal gets our
 * step lines, Next.js's telemetry notice, and the log's tail if the build fails.
 */
function buildWebApp(progress: StartupProgress, logFile: string): Promise<number> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.createWriteStream(logFile);
  progress.start("build");
  return new Promise((resolve) => {
    // Skips next build's type check (next.config.js says why); `npm run build` still runs it.
    const b = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, T2I_FIRST_START_BUILD: "1" },
    });
    let warnings = 0;
    for (const stream of [b.stdout, b.stderr]) {
      readline.createInterface({ input: stream }).on("line", (raw) => {
        out.write(`${raw}\n`);
        const line = stripAnsi(raw);
        if (/telemetry/i.test(line)) console.log(line);
        if (isBuildWarning(line)) warnings++;
        const step = nextBuildStep(line);
        if (step) progress.update("build", step);
      });
    }
    b.on("exit", (code) => {
      out.end(() => {
        if (code !== 0) {
          const tail = fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-40).join("\n");
          console.error(`${tail}\nerror: the web build failed (exit ${code}); its whole output is in ${logFile}`);
          progress.finish("build", "failed", `exit ${code}`);
        } else {
          progress.finish("build");
          if (warnings > 0) console.log(`next build printed ${warnings} warning line(s); see ${logFile}`);
        }
        resolve(code ?? 1);
      });
    });
  });
}

/** Every page has content on first start; `npm run seed:demo -- --remove` takes it away. */
async function seedFirstStart(progress: StartupProgress): Promise<void> {
  const started = performance.now();
  let demo;
  try {
    demo = await seedDemoInThread({
      ifEmpty: true,
      progress: (p) => progress.update("demo", { step: p.step, count: { done: p.done, total: p.total, unit: p.unit } }),
    });
  } catch (e) {
    // The service is still useful without its demo; say how to finish or drop what was written.
    const why = e instanceof Error ? e.message : String(e);
    progress.finish("demo", "failed", why);
    console.error(
      `demo data not seeded: ${why}; finish it with 'npm run seed:demo' or drop it with 'npm run seed:demo -- --remove'`,
    );
    return;
  }
  if (demo.outcome === "not_empty") return progress.finish("demo", "skipped", "the database already has runs");
  progress.finish("demo");
  if (demo.outcome === "seeded") {
    console.log(
      `demo data: the toy-world experiment, ${demo.runsCreated} demo runs (${demo.samplesGenerated} samples by the toy generators, scored by the toy-world evaluator) ` +
        `and its reference set, seeded in ${((performance.now() - started) / 1000).toFixed(0)} s (remove with: npm run seed:demo -- --remove)`,
    );
  }
}

/** Listens at once; a taken port exits 1 with what to do, before migrating, seeding or building. */
function listenOrExit(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      console.error(
        e.code === "EADDRINUSE"
          ? `error: port ${port} is already in use on ${host} (another t2i-eval?); stop it, or start this one with: npm start -- --port ${port + 1}`
          : `error: cannot listen on ${host}:${port}: ${e.message}`,
      );
      process.exit(1);
    });
    server.listen(port, host, () => resolve());
  });
}

/** Prints each phase's start, step and end as it happens, and the running phases at least every HEARTBEAT_S. */
function reportProgress(progress: StartupProgress): () => void {
  let last = Date.now();
  const stamp = () => `[${String(Math.round((Date.now() - progress.startedAt) / 1000)).padStart(3)} s]`;
  const print = (line: string) => {
    last = Date.now();
    console.log(`${stamp()} ${line}`);
  };
  progress.onChange((p: StartPhase, changed) => {
    if (changed !== "count") print(progress.describe(p));
  });
  const timer = setInterval(() => {
    if (Date.now() - last >= HEARTBEAT_S * 1000 - 500 && progress.summary()) print(progress.summary());
  }, 1000);
  return () => clearInterval(timer);
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
  const port = Number(values.port);
  const host = values.host!;
  const shown = host === "0.0.0.0" ? "localhost" : host;
  const progress = new StartupProgress([
    { key: "build", label: "building the web app" },
    { key: "demo", label: "seeding the demo" },
    { key: "server", label: "loading the web app" },
  ]);
  // The port answers from the first second: a starting page until the web app takes the port over.
  const starting = http.createServer((req, res) => answerWhileStarting(req, res, progress));
  await listenOrExit(starting, port, host);
  console.log(`\n  t2i-eval answers on http://${shown}:${port} (a "starting" page until it is ready)\n`);
  const stopReporting = reportProgress(progress);

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
  const needsBuild = values.rebuild || !fs.existsSync(".next/BUILD_ID");
  if (needsBuild)
    console.log("building the web app (first start only; 1 to 3 minutes on 2 cores, depending on their load)");
  else progress.finish("build", "skipped", "already built; --rebuild builds again");
  const build = needsBuild
    ? buildWebApp(progress, path.join(cfg.dataDir, "logs", "next-build.log"))
    : Promise.resolve(0);
  if (values["no-demo"]) progress.finish("demo", "skipped", "--no-demo");
  const demo = values["no-demo"] ? Promise.resolve() : seedFirstStart(progress);
  const [buildStatus] = await Promise.all([build, demo]);
  if (buildStatus !== 0) process.exit(buildStatus);

  progress.start("server");
  const child = handOver(starting, progress, port, host, stopReporting);
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

/**
 * Starts the HTTP front (server/next-server.mjs) and passes it the listening socket: the starting
 * page keeps answering until Next.js has loaded, then the front takes the same port over, so the
 * port never refuses a connection.
 */
function handOver(
  starting: http.Server,
  progress: StartupProgress,
  port: number,
  host: string,
  stopReporting: () => void,
): ChildProcess {
  // Like `next start`, plus the peer address in X-Forwarded-For and JSON 400s for malformed paths.
  const child = spawn(
    process.execPath,
    [path.resolve(ENTRY_POINTS.nextServer), "--port", String(port), "--host", host, "--handover"],
    { stdio: ["inherit", "inherit", "inherit", "ipc"] },
  );
  child.on("message", (m: { type?: string }) => {
    if (m?.type === "send-listener") return void child.send({ type: "listen" }, starting);
    if (m?.type !== "listening") return;
    progress.finish("server");
    stopReporting();
    starting.close();
    child.disconnect();
  });
  return child;
}

/** Terminal colour codes out: Next.js colours its lines even when piped. */
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
