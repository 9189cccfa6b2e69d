// The subcommands of `npm run runs`, in the order --help lists them. A new one is a module
// exporting a RunsSubcommand, added to this list.
import { auditCommand } from "./audit-command";
import { deleteCommand } from "./delete-command";
import { rescoreCommand } from "./rescore-command";
import { retryCommand } from "./retry-command";
import { hideCommand, hideVariantCommand, unhideCommand, unhideVariantCommand } from "./hide-commands";
import { clearLevelCommand, setLevelCommand } from "./level-commands";
import type { RunsSubcommand } from "./subcommand";
import { deleteVariantCommand, editVariantCommand } from "./variant-commands";

export const RUNS_SUBCOMMANDS: readonly RunsSubcommand[] = [
  retryCommand,
  rescoreCommand,
  deleteCommand,
  hideCommand,
  unhideCommand,
  deleteVariantCommand,
  hideVariantCommand,
  unhideVariantCommand,
  editVariantCommand,
  setLevelCommand,
  clearLevelCommand,
  auditCommand,
];

export function runsHelp(commands: readonly RunsSubcommand[] = RUNS_SUBCOMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `Usage: npm run runs -- <subcommand> [arguments] [--server URL] [--key KEY]

Manage runs and variants on a running service through its REST API, with your API key
(T2I_API_KEY), so the same owner rules apply as to any client: a submitter key changes only
what it created, an admin key anything. Every change is recorded in the audit log.

Subcommands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

npm run runs -- <subcommand> --help shows a subcommand's options.
Exit codes: 0 done, 1 the server refused (its message is printed), 2 bad usage or no server.
`;
}

/** Dispatches argv (without node and script) to a subcommand; returns the exit code. */
export async function runRunsCli(
  argv: string[],
  commands: readonly RunsSubcommand[] = RUNS_SUBCOMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(runsHelp(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`error: unknown subcommand "${name}" (one of: ${commands.map((c) => c.name).join(", ")})\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.usage);
    return 0;
  }
  return command.run(rest);
}
