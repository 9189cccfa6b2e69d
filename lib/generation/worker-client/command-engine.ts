// The command engine: runs the researcher's own generator program once per task.
//
// Contract (also in `npm run gpu-worker -- --help`):
//   - The command runs through /bin/sh -c in the worker's working directory, with the worker's
//     environment plus
//       T2I_TASK_FILE   path of task.json (below)
//       T2I_OUTPUT_DIR  an empty folder for the images
//     and the same JSON on stdin.
//   - task.json: { "version": 1, "taskId", "attempt", "generationId", "runId", "variant",
//       "replicate": the trained copy to use (label or null), "prompt": text, "promptId", "negativePrompt": text or null, "guidanceScale", "steps",
//       "sampler", "width", "height", "samples": [{ "index", "seed" }…], "outputDir" }
//   - For every sample it writes <outputDir>/<index>.png: width × height, generated from that
//     sample's seed. Nothing else is read from the folder.
//   - Exit 0 when done. A non-zero exit (or death by signal) fails the task with the last lines
//     of its stderr. A missing, unreadable, non-PNG or wrongly sized <index>.png fails the task
//     naming the index. stdout and stderr are copied to the worker's log.
//   - When the lease is lost, the worker is stopped, or --command-timeout passes, the whole
//     process group gets SIGTERM, then SIGKILL 5 s later.
// Samples are uploaded after the program exits, so they are checked all together first.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { GenerateContext, GenerationEngine } from "./engine";
import type { Task } from "./task-schema";

export const COMMAND_TASK_FILE_VERSION = 1;
const STDERR_TAIL_BYTES = 4000;

export type CommandTaskFile = {
  version: typeof COMMAND_TASK_FILE_VERSION;
  taskId: string;
  attempt: number;
  generationId: string;
  runId: string;
  variant: string;
  /** Which trained copy of the variant to generate with (training seed or checkpoint label); null for the only one. */
  replicate: string | null;
  prompt: string;
  promptId: string;
  negativePrompt: string | null;
  guidanceScale: number;
  steps: number;
  sampler: string;
  width: number;
  height: number;
  samples: Array<{ index: number; seed: number }>;
  outputDir: string;
};

export type CommandEngineOptions = {
  command: string;
  /** Kill the program after this long (default: no limit). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  killGraceMs?: number;
  /** Parent folder of the per-task folders (default: the OS temp folder). */
  workRoot?: string;
};

export function commandTaskFile(task: Task, outputDir: string): CommandTaskFile {
  return {
    version: COMMAND_TASK_FILE_VERSION,
    taskId: task.id,
    attempt: task.attempt,
    generationId: task.generationId,
    runId: task.runId,
    variant: task.variant,
    replicate: task.replicate,
    prompt: task.prompt.text,
    promptId: task.prompt.id,
    negativePrompt: task.negativePrompt,
    guidanceScale: task.guidanceScale,
    steps: task.steps,
    sampler: task.sampler,
    width: task.width,
    height: task.height,
    samples: task.samples.map((s) => ({ index: s.index, seed: s.seed })),
    outputDir,
  };
}

/** Keeps the last `limit` bytes written to it. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    const cut = all.length > this.limit;
    const s = all
      .subarray(Math.max(0, all.length - this.limit))
      .toString("utf8")
      .trimEnd();
    return cut ? `…${s}` : s;
  }
}

/** Calls `line` for each complete line of a stream. */
function lines(stream: NodeJS.ReadableStream, line: (s: string) => void, onData?: (b: Buffer) => void): void {
  let pending = "";
  stream.on("data", (b: Buffer) => {
    onData?.(b);
    pending += b.toString("utf8");
    const parts = pending.split("\n");
    pending = parts.pop()!;
    for (const p of parts) line(p);
  });
  stream.on("end", () => {
    if (pending) line(pending);
  });
}

export class CommandEngine implements GenerationEngine {
  readonly name = "command";
  constructor(private readonly opts: CommandEngineOptions) {
    if (!opts.command.trim()) throw new Error("the command engine needs a command");
  }

  get description(): string {
    return `command engine: ${this.opts.command}${this.opts.timeoutMs ? ` (timeout ${this.opts.timeoutMs / 1000} s)` : ""}`;
  }

  async generate(task: Task, ctx: GenerateContext): Promise<void> {
    const workDir = await fs.mkdtemp(path.join(this.opts.workRoot ?? os.tmpdir(), "t2i-task-"));
    try {
      const outputDir = path.join(workDir, "out");
      await fs.mkdir(outputDir);
      const taskFile = path.join(workDir, "task.json");
      const json = `${JSON.stringify(commandTaskFile(task, outputDir), null, 2)}\n`;
      await fs.writeFile(taskFile, json);
      await this.run(task, json, { T2I_TASK_FILE: taskFile, T2I_OUTPUT_DIR: outputDir }, ctx);
      const pngs = await this.collect(task, outputDir);
      for (const [index, png] of pngs) await ctx.onSample(index, png);
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  private run(task: Task, stdin: string, extraEnv: Record<string, string>, ctx: GenerateContext): Promise<void> {
    return new Promise((resolve, reject) => {
      ctx.signal.throwIfAborted();
      const child = spawn("/bin/sh", ["-c", this.opts.command], {
        // The generator gets the worker's environment (PATH, CUDA_VISIBLE_DEVICES, HF_HOME…) passed through.
        env: { ...process.env, ...extraEnv },
        stdio: ["pipe", "pipe", "pipe"],
        // Its own process group, so stopping it also stops what the shell started.
        detached: true,
      });
      const tail = new Tail(STDERR_TAIL_BYTES);
      const prefix = `task ${task.id} generator`;
      lines(child.stdout!, (l) => ctx.log(`${prefix}: ${l}`));
      lines(
        child.stderr!,
        (l) => ctx.log(`${prefix} (stderr): ${l}`),
        (b) => tail.push(b),
      );
      // A program that never reads stdin closes it early; that is not an error.
      child.stdin!.on("error", () => {});
      child.stdin!.end(stdin);

      let stopReason: unknown;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = (reason: unknown) => {
        if (stopReason !== undefined || child.exitCode !== null) return;
        stopReason = reason;
        signalGroup(child.pid, "SIGTERM");
        killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), this.opts.killGraceMs ?? 5000);
      };
      const onAbort = () => stop(ctx.signal.reason);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      const timeout = this.opts.timeoutMs
        ? setTimeout(
            () => stop(new Error(`the generator ran longer than ${this.opts.timeoutMs! / 1000} s and was stopped`)),
            this.opts.timeoutMs,
          )
        : undefined;

      child.on("error", (e) => {
        cleanup();
        reject(new Error(`could not start the generator: ${e.message}`));
      });
      child.on("close", (code, signal) => {
        cleanup();
        // Whatever the shell started in the group must not outlive the task.
        signalGroup(child.pid, "SIGKILL");
        if (stopReason !== undefined) return reject(stopReason);
        if (code === 0) return resolve();
        const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
        const stderr = tail.text();
        reject(
          new Error(
            `the generator ${how}${stderr ? `; end of its stderr:\n${stderr}` : " and wrote nothing to stderr"}`,
          ),
        );
      });
      function cleanup() {
        ctx.signal.removeEventListener("abort", onAbort);
        if (timeout) clearTimeout(timeout);
        if (killTimer) clearTimeout(killTimer);
      }
    });
  }

  /** Reads and checks every <index>.png; one error names all the bad ones. */
  private async collect(task: Task, outputDir: string): Promise<Array<[number, Buffer]>> {
    const problems: string[] = [];
    const out: Array<[number, Buffer]> = [];
    for (const { index } of task.samples) {
      const name = `${index}.png`;
      let png: Buffer;
      try {
        png = await fs.readFile(path.join(outputDir, name));
      } catch {
        problems.push(`sample ${index}: ${name} was not written`);
        continue;
      }
      const problem = await checkPng(png, task.width, task.height);
      if (problem) problems.push(`sample ${index}: ${name} ${problem}`);
      else out.push([index, png]);
    }
    if (problems.length > 0) throw new Error(`the generator exited 0, but ${problems.join("; ")}`);
    return out;
  }

  async close(): Promise<void> {}
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // The group is already gone.
  }
}

/** Why `png` is not a usable sample, or undefined when it is. */
export async function checkPng(png: Buffer, width: number, height: number): Promise<string | undefined> {
  try {
    const meta = await sharp(png).metadata();
    if (meta.format !== "png") return `is ${meta.format ?? "an unknown format"}, not PNG`;
    if (meta.width !== width || meta.height !== height)
      return `is ${meta.width}×${meta.height}; the task asks for ${width}×${height}`;
    // The header can be intact over truncated or corrupt image data: decode it all.
    await sharp(png).raw().toBuffer();
    return undefined;
  } catch (e) {
    return `is not a readable PNG (${(e as Error).message.split("\n")[0]})`;
  }
}
