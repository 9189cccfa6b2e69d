// Child process of the busy-database tests (and `npm run bench:db-lock`): another process holding
// SQLite's write lock, as a `sqlite3` shell with an open transaction or a backup does. Usage:
//   node --import tsx tools/test-support/hold-write-lock.ts <database file> <milliseconds>
// Prints "locked" once it holds the lock, releases it after the given time, prints "released".
import Database from "better-sqlite3";

const [file, ms] = [process.argv[2], Number(process.argv[3])];
if (!file || !Number.isFinite(ms)) {
  process.stderr.write("usage: hold-write-lock.ts <database file> <milliseconds>\n");
  process.exit(2);
}
const db = new Database(file);
db.pragma("busy_timeout = 10000");
db.exec("BEGIN EXCLUSIVE");
process.stdout.write("locked\n");
setTimeout(() => {
  db.exec("COMMIT");
  db.close();
  process.stdout.write("released\n");
}, ms);
