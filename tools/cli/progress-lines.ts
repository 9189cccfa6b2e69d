// Progress of a long wait in a command-line client (npm run upload): on a terminal one line
// redrawn in place; in a log (the stream is not a terminal) whole lines, one when the status
// changes or another tenth of the work is done, so a log never fills with carriage returns.
/**
 * Progress while the server scores: on a terminal one line redrawn in place; in a log (stderr not
 * a terminal) a line when the status changes or another tenth of the samples is done.
 */
export function progressPrinter(tty: boolean, write: (s: string) => void) {
  let last: { status: string; step: number } | undefined;
  return {
    update(status: string, done: number, total: number) {
      const text = `${status.padEnd(8)} ${done}/${total}`;
      if (tty) return write(`\r${text}`);
      const step = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (last && last.status === status && last.step === step) return;
      last = { status, step };
      write(`${text}\n`);
    },
    end() {
      if (tty) write("\n");
    },
  };
}
