// Child-process program: the worker API routes (scoring jobs, images) of the data folder in
// T2I_DATA_DIR behind a plain HTTP server on 127.0.0.1 (route-server.ts), started like the web
// server (migrations first). Prints "ready <url>" once listening. For benchmarks and tests that
// need the server in its own process.
import { migrate } from "../../db/migrate";
import { startRouteServer } from "./route-server";

migrate();
const server = await startRouteServer(["app/api/v1/worker/jobs", "app/api/v1/worker/images"]);
process.stdout.write(`ready ${server.url}\n`);
for (const sig of ["SIGTERM", "SIGINT"] as const)
  process.on(sig, () => void server.close().then(() => process.exit(0)));
