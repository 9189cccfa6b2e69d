// npm run worker-token: create, list and revoke the tokens GPU generation workers authenticate with.
import { parseArgs } from "node:util";
import { closeDb } from "../db/client";
import { migrate } from "../db/migrate";
import { createWorkerToken, listWorkerTokens, revokeWorkerToken } from "../lib/auth/worker-tokens";

const HELP = `Usage: npm run worker-token -- <command> [options]

Commands:
  create --name NAME   create a worker token and print its secret (shown this once only)
  list                 list tokens: id, name, prefix, created, last seen, revoked, declared variants
  revoke --id ID       revoke a token; its worker is refused from then on and the tasks it
                       holds go back to the queue when their leases run out

Options:
  -h, --help           this text

GPU workers send the token as Authorization: Bearer t2iw_… (docs/worker-protocol.md). Only a
SHA-256 of each secret is stored, so a lost secret cannot be recovered: revoke the token and
create a new one. Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite).
`;

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "-");

function main(): number {
  const { values, positionals } = parseArgs({
    options: { name: { type: "string" }, id: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  migrate();
  switch (command) {
    case "create": {
      if (!values.name) throw new UsageError("create needs --name NAME");
      const token = createWorkerToken(values.name);
      console.log(`Created worker token ${token.id} ("${token.name}").\n\n  ${token.secret}\n`);
      console.log("Store it now (e.g. in the GPU machine's secrets): it is shown only this once and cannot be recovered.");
      console.log("Workers send it as: Authorization: Bearer <token>");
      return 0;
    }
    case "list": {
      const tokens = listWorkerTokens();
      if (tokens.length === 0) {
        console.log("No worker tokens. Create one with: npm run worker-token -- create --name NAME");
        return 0;
      }
      console.log(["id".padEnd(20), "prefix".padEnd(13), "created".padEnd(19), "last seen".padEnd(19), "revoked".padEnd(19), "name".padEnd(20), "variants"].join("  "));
      for (const t of tokens) {
        console.log(
          [t.id.padEnd(20), t.prefix.padEnd(13), when(t.createdAt), when(t.lastSeenAt).padEnd(19), when(t.revokedAt).padEnd(19), t.name.padEnd(20), t.variants.join(",") || "-"].join("  "),
        );
      }
      return 0;
    }
    case "revoke": {
      if (!values.id) throw new UsageError("revoke needs --id ID (see: npm run worker-token -- list)");
      const token = revokeWorkerToken(values.id);
      console.log(`Revoked ${token.id} ("${token.name}", ${token.prefix}…) at ${when(token.revokedAt)}.`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (create, list or revoke; see --help)`);
  }
}

class UsageError extends Error {}

let code: number;
try {
  code = main();
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  // 2: the command line was wrong; 1: the command ran and failed (e.g. an unknown token id).
  code = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
}
closeDb();
process.exit(code);
