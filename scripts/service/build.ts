// npm run build: `next build` (with its type check), failing when it prints a warning. Turbopack
// reports problems in this project's code as warnings ("Ecmascript file had an error", "tracing
// of the whole project") that a newcomer then reads on every first start; npm run test:e2e builds
// with this, so such a warning fails the suite instead.
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { parseCliArgs } from "../../lib/core/cli-args";
import { isBuildWarning } from "../../lib/http/next-build-progress";

const HELP = `Usage: npm run build

Runs 'next build' (type check included) with its output as it comes, and exits 1 if the build
printed a warning (or 'had an error'), even when it succeeded: the first start must be quiet.
`;

const { values } = parseCliArgs(
  { options: { help: { type: "boolean", short: "h" } } },
  { script: "build", usage: HELP },
);
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const b = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
  stdio: ["ignore", "pipe", "pipe"],
});
const warnings: string[] = [];
for (const [input, output] of [
  [b.stdout, process.stdout],
  [b.stderr, process.stderr],
] as const)
  readline.createInterface({ input }).on("line", (line) => {
    output.write(`${line}\n`);
    if (isBuildWarning(line.replace(/\x1b\[[0-9;]*m/g, ""))) warnings.push(line);
  });
b.on("close", (code) => {
  if (code !== 0) process.exit(code ?? 1);
  if (warnings.length > 0) {
    process.stderr.write(
      `\nerror: next build printed ${warnings.length} warning line(s); fix them (or scope the code Turbopack flags) so the first start is quiet:\n${warnings.map((w) => `  ${w}`).join("\n")}\n`,
    );
    process.exit(1);
  }
});
