// A throwaway PostgreSQL for the tests that need one: Debian's PostgreSQL 15+ (installed with
// apt-get on first use when the tests run as root, as CI does, and the package is missing), a
// cluster in a temporary folder, run as a non-root user (PostgreSQL refuses root) on a Unix
// socket in that folder and on a free loopback port, without fsync. Each test file starts its own
// and stops it (the folder goes with it), so test files never share state.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = "/usr/lib/postgresql";
/** The oldest PostgreSQL the service supports (docs/guides/deploy.md). */
export const MIN_POSTGRES_MAJOR = 15;

/** The newest installed server's bin folder (with initdb and postgres), or undefined. */
export function postgresBinDir(): string | undefined {
  let versions: number[] = [];
  try {
    versions = fs
      .readdirSync(ROOT)
      .map(Number)
      .filter((v) => Number.isInteger(v) && v >= MIN_POSTGRES_MAJOR);
  } catch {
    return undefined;
  }
  for (const v of versions.sort((a, b) => b - a)) {
    const bin = path.join(ROOT, String(v), "bin");
    if (fs.existsSync(path.join(bin, "initdb")) && fs.existsSync(path.join(bin, "postgres"))) return bin;
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Installs Debian's `postgresql` package when no server is installed and this process is root
 * (CI, and the README's test command, run as root); answers whether a server is installed now.
 * Run once per test run, from the vitest global setup (tools/test-support/global-setup.ts).
 */
export function ensurePostgresInstalled(log: (line: string) => void = console.log): boolean {
  if (postgresBinDir()) return true;
  if (!isRoot()) return false;
  log("installing PostgreSQL for the tests (apt-get install -y postgresql) …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], { env, stdio: "inherit" });
  try {
    install();
  } catch {
    // A machine whose package lists were never fetched: fetch them once and try again.
    execFileSync("apt-get", ["update"], { env, stdio: "inherit" });
    install();
  }
  return postgresBinDir() !== undefined;
}

export type Postgres = {
  /** postgres://t2i@127.0.0.1:<port>/t2i */
  url: string;
  /** The folder holding the Unix socket (a `host` for node-postgres). */
  socketDir: string;
  port: number;
  /** Stops the server (immediate shutdown) and removes its folder. */
  stop: () => Promise<void>;
  /** Kills the server and starts it again on the same data (a database restart mid-run). */
  restart: () => Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The uid and gid PostgreSQL runs as: the `postgres` user when this process is root (PostgreSQL refuses root), else none. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

async function waitForSocket(dir: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const socket = path.join(dir, `.s.PGSQL.${port}`);
  const end = Date.now() + 60_000;
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > end) throw new Error(`postgres did not start within 60 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a fresh cluster with database `t2i` owned by user `t2i` (trust authentication, local only). */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      `no PostgreSQL ${MIN_POSTGRES_MAJOR}+ server is installed (apt-get install postgresql; the tests install it themselves when run as root)`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-pg-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  if (isRoot()) {
    // The server's user must own the folder.
    execFileSync("chown", ["-R", "postgres:postgres", dir]);
    fs.chmodSync(dir, 0o755);
  }
  const user = serverUser();
  const run = (name: string, args: string[]) => execFileSync(path.join(bin, name), args, { stdio: "pipe", ...user });
  run("initdb", ["-D", data, "-U", "t2i", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"]);
  const port = await freePort();
  let child: ChildProcess;
  let out = "";
  const start = async () => {
    out = "";
    child = spawn(
      path.join(bin, "postgres"),
      [
        "-D",
        data,
        "-k",
        dir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=200",
      ],
      { stdio: ["ignore", "pipe", "pipe"], ...user },
    );
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    await waitForSocket(dir, port, child, () => out);
    // The socket appears before the server accepts connections; createdb retries until it does.
    for (let tries = 0; ; tries++) {
      try {
        run("pg_isready", ["-h", dir, "-p", String(port)]);
        break;
      } catch (e) {
        if (tries > 200) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  };
  await start();
  run("createdb", ["-h", dir, "-p", String(port), "-U", "t2i", "t2i"]);
  return {
    url: `postgres://t2i@127.0.0.1:${port}/t2i`,
    socketDir: dir,
    port,
    stop: async () => {
      await kill("SIGQUIT");
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await kill("SIGKILL");
      // A killed postmaster leaves its pid file; the next start recovers from the WAL.
      fs.rmSync(path.join(data, "postmaster.pid"), { force: true });
      await start();
    },
  };
}
