// npm run runs -- <subcommand>: manage stored runs (one module per subcommand in lib/runs/cli/).
import { rescoreCommand } from "../lib/runs/cli/rescore-command";
import { retryCommand } from "../lib/runs/cli/retry-command";
import type { RunsSubcommand } from "../lib/runs/cli/subcommand";

const SUBCOMMANDS: RunsSubcommand[] = [retryCommand, rescoreCommand];

const help = `Usage: npm run runs -- <subcommand> [options]   (npm run runs -- <subcommand> --help)

Subcommands:
${SUBCOMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help") {
    process.stdout.write(help);
    return name ? 0 : 2;
  }
  const cmd = SUBCOMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`error: unknown subcommand "${name}"\n\n${help}`);
    return 2;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
