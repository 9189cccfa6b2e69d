// npm run worker-token: create, list and revoke the tokens GPU generation workers authenticate with.
import { createWorkerToken, listWorkerTokens, revokeWorkerToken } from "../../lib/auth/worker-tokens";
import { runCredentialCli, when } from "../../tools/cli/credential-cli";

const HELP = `Usage: npm run worker-token -- <command> [options]

Commands:
  create --name NAME   create a worker token and print its secret (shown this once only)
  list                 list tokens: id, name, prefix, created, last seen, revoked, declared variants
  revoke --id ID       revoke a token; its worker is refused from then on and the tasks it
                       holds go back to the queue when their leases run out

Options:
  -h, --help           this text

GPU workers send the token as Authorization: Bearer t2iw_… (docs/reference/worker-protocol.md). Only a
SHA-256 of each secret is stored, so a lost secret cannot be recovered: revoke the token and
create a new one. Database: T2I_DB_PATH (default <T2I_DATA_DIR>/t2i.sqlite).
`;

runCredentialCli({
  noun: "worker token",
  script: "worker-token",
  help: HELP,
  createdHint: [
    "Store it now (e.g. in the GPU machine's secrets): it is shown only this once and cannot be recovered.",
    "Workers send it as: Authorization: Bearer <token>",
  ],
  create: createWorkerToken,
  list: listWorkerTokens,
  revoke: revokeWorkerToken,
  columns: [
    { header: "id", width: 20, value: (t) => t.id },
    { header: "prefix", width: 13, value: (t) => t.prefix },
    { header: "created", width: 19, value: (t) => when(t.createdAt) },
    { header: "last seen", width: 19, value: (t) => when(t.lastSeenAt) },
    { header: "revoked", width: 19, value: (t) => when(t.revokedAt) },
    { header: "name", width: 20, value: (t) => t.name },
    { header: "variants", width: 0, value: (t) => t.variants.join(",") || "-" },
  ],
});
