// vitest's global setup (vitest.config.ts), once per test run: makes sure the services the
// scale-out tests start themselves can be started. PostgreSQL comes from Debian (installed here
// when missing and the tests run as root, as `.ci/run` and the README's test command do);
// s3rver is an npm dev dependency. Nothing is started here: each test file starts its own
// throwaway server (tools/test-support/services/).
import { config } from "../../lib/core/config";
import { ensurePostgresInstalled } from "./services/postgres";

export default function setup(): void {
  if (!ensurePostgresInstalled()) {
    const why = "no PostgreSQL 15+ server is installed and the tests do not run as root to install it";
    if (config().ci) throw new Error(`${why} (apt-get install postgresql)`);
    console.warn(`${why}: the PostgreSQL tests are skipped (apt-get install postgresql to run them)`);
  }
}
