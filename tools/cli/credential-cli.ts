// The create / list / revoke command line shared by `npm run apikey` and `npm run worker-token`:
// both manage hashed bearer secrets and differ only in wording and listed columns.
import { parseCliArgs } from "../../lib/core/cli-args";
import { closeDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { config } from "../../lib/core/config";

type Row = { id: string; name: string; prefix: string; revokedAt: Date | null };

export type CredentialCli<R extends Row> = {
  /** e.g. "API key", "worker token"; `script` is the npm script name. */
  noun: string;
  script: string;
  help: string;
  createdHint: string[];
  /** Roles `create --role` accepts (first = default); without it, --role is refused. */
  roles?: readonly string[];
  create(name: string, role?: string): R & { secret: string };
  list(): R[];
  revoke(id: string): R;
  columns: { header: string; width: number; value(r: R): string }[];
};

class UsageError extends Error {}

/** Which SQLite file the command used: a server only accepts credentials stored in its own database. */
const databaseLine = (verb: string): string =>
  `${verb} database ${config().dbPath} (T2I_DB_PATH, or <T2I_DATA_DIR>/t2i.sqlite); the server must use the same file.`;

export const when = (d: Date | null): string => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "-");

function main<R extends Row>(cli: CredentialCli<R>, argv: string[]): number {
  const { values, positionals } = parseCliArgs(
    {
      args: argv,
      options: {
        name: { type: "string" },
        id: { type: "string" },
        role: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    },
    { script: cli.script, usage: cli.help },
  );
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(cli.help);
    return values.help ? 0 : 2;
  }
  migrate();
  switch (command) {
    case "create": {
      if (!values.name) throw new UsageError("create needs --name NAME");
      if (values.role !== undefined && !cli.roles) throw new UsageError(`${cli.noun}s have no role; drop --role`);
      if (values.role !== undefined && !cli.roles!.includes(values.role))
        throw new UsageError(`--role must be ${cli.roles!.join(" or ")}, got "${values.role}"`);
      const made = cli.create(values.name, values.role);
      const role = "role" in made ? ` with role ${String(made.role)}` : "";
      console.log(`Created ${cli.noun} ${made.id} ("${made.name}")${role}.\n\n  ${made.secret}\n`);
      for (const line of cli.createdHint) console.log(line);
      console.log(databaseLine("Written to"));
      return 0;
    }
    case "list": {
      const rows = cli.list();
      if (rows.length === 0) {
        console.log(`No ${cli.noun}s. Create one with: npm run ${cli.script} -- create --name NAME`);
        console.log(databaseLine("Read from"));
        return 0;
      }
      console.log(cli.columns.map((c) => c.header.padEnd(c.width)).join("  "));
      for (const r of rows) console.log(cli.columns.map((c) => c.value(r).padEnd(c.width)).join("  "));
      return 0;
    }
    case "revoke": {
      if (!values.id) throw new UsageError(`revoke needs --id ID (see: npm run ${cli.script} -- list)`);
      const r = cli.revoke(values.id);
      console.log(`Revoked ${r.id} ("${r.name}", ${r.prefix}…) at ${when(r.revokedAt)}.`);
      console.log(databaseLine("Written to"));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (create, list or revoke; see --help)`);
  }
}

/** Runs the command line and exits: 0 done, 1 the command failed (e.g. unknown id), 2 bad usage. */
export function runCredentialCli<R extends Row>(cli: CredentialCli<R>, argv = process.argv.slice(2)): never {
  let code: number;
  try {
    code = main(cli, argv);
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    code = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  }
  closeDb();
  process.exit(code);
}
