// npm run apikey: create, list and revoke API keys for the REST API.
import { API_KEY_ROLES } from "../../db/schema/index";
import { createApiKey, listApiKeys, revokeApiKey } from "../../lib/auth/api-keys";
import { runCredentialCli, when } from "../../tools/cli/credential-cli";

const HELP = `Usage: npm run apikey -- <command> [options]

Commands:
  create --name NAME [--role admin|submitter]
                       create a key and print its secret (shown this once only).
                       admin (the default: whoever runs this CLI on the server is trusted)
                       may delete, hide and edit anything and read the audit log;
                       submitter may change only the runs, variants and generations it
                       created itself
  list                 list keys: id, name, prefix, created, last used, revoked
  revoke --id ID       revoke a key; requests with it are refused from then on

Options:
  -h, --help           this text

Only a SHA-256 of each secret is stored, so a lost secret cannot be recovered: revoke the key
and create a new one. Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite).
`;

runCredentialCli({
  noun: "API key",
  script: "apikey",
  help: HELP,
  createdHint: [
    "Store it now (e.g. in a password manager): it is shown only this once and cannot be recovered.",
    "Send it as: Authorization: Bearer <key>",
  ],
  roles: API_KEY_ROLES,
  create: (name, role) => createApiKey(name, role as (typeof API_KEY_ROLES)[number] | undefined),
  list: listApiKeys,
  revoke: revokeApiKey,
  columns: [
    { header: "id", width: 20, value: (k) => k.id },
    { header: "prefix", width: 12, value: (k) => k.prefix },
    { header: "role", width: 9, value: (k) => k.role },
    { header: "created", width: 19, value: (k) => when(k.createdAt) },
    { header: "last used", width: 19, value: (k) => when(k.lastUsedAt) },
    { header: "revoked", width: 19, value: (k) => when(k.revokedAt) },
    { header: "name", width: 0, value: (k) => k.name },
  ],
});
