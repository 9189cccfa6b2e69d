// npm run apikey: create, list and revoke API keys for the REST API.
import { parseArgs } from "node:util";
import { closeDb } from "../db/client";
import { migrate } from "../db/migrate";
import { createApiKey, listApiKeys, revokeApiKey } from "../lib/auth/api-keys";

const HELP = `Usage: npm run apikey -- <command> [options]

Commands:
  create --name NAME   create a key and print its secret (shown this once only)
  list                 list keys: id, name, prefix, created, last used, revoked
  revoke --id ID       revoke a key; requests with it are refused from then on

Options:
  -h, --help           this text

Only a SHA-256 of each secret is stored, so a lost secret cannot be recovered: revoke the key
and create a new one. Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite).
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
      const key = createApiKey(values.name);
      console.log(`Created API key ${key.id} ("${key.name}").\n\n  ${key.secret}\n`);
      console.log("Store it now (e.g. in a password manager): it is shown only this once and cannot be recovered.");
      console.log("Send it as: Authorization: Bearer <key>");
      return 0;
    }
    case "list": {
      const keys = listApiKeys();
      if (keys.length === 0) {
        console.log("No API keys. Create one with: npm run apikey -- create --name NAME");
        return 0;
      }
      console.log(["id".padEnd(20), "prefix".padEnd(12), "created".padEnd(19), "last used".padEnd(19), "revoked".padEnd(19), "name"].join("  "));
      for (const k of keys) {
        console.log([k.id.padEnd(20), k.prefix.padEnd(12), when(k.createdAt), when(k.lastUsedAt).padEnd(19), when(k.revokedAt).padEnd(19), k.name].join("  "));
      }
      return 0;
    }
    case "revoke": {
      if (!values.id) throw new UsageError("revoke needs --id ID (see: npm run apikey -- list)");
      const key = revokeApiKey(values.id);
      console.log(`Revoked ${key.id} ("${key.name}", ${key.prefix}…) at ${when(key.revokedAt)}.`);
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
  // 2: the command line was wrong; 1: the command ran and failed (e.g. an unknown key id).
  code = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
}
closeDb();
process.exit(code);
