// npm run bench:first-start: a newcomer's first `npm start`, timed from outside. Removes the web
// build (.next) unless --keep-build, starts `npm start` on an empty data folder, asks for `/`
// every quarter second and prints when the port first answered (the starting page), when `/`
// first answered 200 with the demo board, each phase's time from the start-up log, and the
// machine's load (a shared machine's figure means little without it).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseCliArgs } from "../../lib/core/cli-args";

const HELP = `Usage: npm run bench:first-start -- [--port 3199] [--keep-build] [--timeout 600]

Times a first start as a newcomer meets it: removes .next (the web build; npm start builds
it again) unless --keep-build, runs 'npm start -- --no-prompt' with T2I_DATA_DIR set to a new
empty folder, and asks for / every 250 ms. Prints the seconds to the port's first answer
(the starting page), to the first 200 on / showing the toy-world demo board, each phase's
time from the start-up log, and the load average (1 min) at the start, at the end and the
highest seen, with the number of cores. Stops the service and removes the data folder after.

  --port N       port for the service (default 3199)
  --keep-build   keep .next: times a start with a build (a restart on an empty database)
  --timeout S    give up after S seconds (default 600)
`;

type Probe = { status: number; body: string };

function get(port: number): Promise<Probe | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
  });
}

async function main() {
  const { values } = parseCliArgs(
    {
      options: {
        port: { type: "string", default: "3199" },
        "keep-build": { type: "boolean", default: false },
        timeout: { type: "string", default: "600" },
        help: { type: "boolean", short: "h" },
      },
    },
    { script: "bench:first-start", usage: HELP },
  );
  if (values.help) return void process.stdout.write(HELP);
  const port = Number(values.port);
  const timeoutS = Number(values.timeout);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !(timeoutS > 0)) {
    process.stderr.write(`bench:first-start: --port must be 1 to 65535 and --timeout positive\n\n${HELP}`);
    process.exit(2);
  }
  if (await get(port)) throw new Error(`port ${port} already answers; choose another with --port`);
  if (!values["keep-build"] && fs.existsSync(".next")) {
    console.log("removing .next (the web build; npm start builds it again)");
    fs.rmSync(".next", { recursive: true, force: true });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-first-start-"));
  const cores = os.availableParallelism();
  const load = () => os.loadavg()[0]!;
  const loadAtStart = load();
  let loadMax = loadAtStart;
  console.log(`data folder ${dataDir}; ${cores} cores; load average (1 min) ${loadAtStart.toFixed(2)} at the start`);

  const t0 = performance.now();
  const secs = () => (performance.now() - t0) / 1000;
  const child = spawn("npm", ["start", "--", "--port", String(port), "--no-prompt"], {
    env: { ...process.env, T2I_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const phases: string[] = [];
  const logLines: string[] = [];
  for (const s of [child.stdout, child.stderr])
    readline.createInterface({ input: s }).on("line", (line) => {
      logLines.push(line);
      if (/: (done|skipped|failed)\b/.test(line)) phases.push(line.trim());
    });
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));

  let firstAnswer: number | undefined;
  let first200: number | undefined;
  try {
    while (first200 === undefined) {
      if (exited !== undefined)
        throw new Error(`npm start exited (${exited}) before / answered 200:\n${logLines.slice(-30).join("\n")}`);
      if (secs() > timeoutS) throw new Error(`no 200 on / within ${timeoutS} s`);
      const r = await get(port);
      loadMax = Math.max(loadMax, load());
      if (r && firstAnswer === undefined) {
        firstAnswer = secs();
        console.log(`${firstAnswer.toFixed(1)} s: the port answers (${r.status})`);
      }
      if (r?.status === 200) {
        if (!/toy-world-demo/.test(r.body)) throw new Error("/ answered 200 without the toy-world demo board");
        first200 = secs();
      } else await new Promise((res) => setTimeout(res, 250));
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((res) => setTimeout(res, 1000));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  for (const p of phases) console.log(`  ${p}`);
  console.log(
    `first start${values["keep-build"] ? " (web build kept)" : ""}: the port answered after ${firstAnswer!.toFixed(1)} s; ` +
      `first 200 on / with the demo board after ${first200.toFixed(1)} s; ${cores} cores, load average (1 min) ` +
      `${loadAtStart.toFixed(2)} at the start, ${load().toFixed(2)} at the end, ${loadMax.toFixed(2)} at most`,
  );
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
