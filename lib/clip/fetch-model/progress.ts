// Download progress: a cli-progress bar on a terminal, one plain line per 10 % in logs and pipes.
import { Presets, SingleBar } from "cli-progress";

export type ProgressReporter = { update(bytes: number): void; stop(): void };
/** Called once per transfer; `start` is the byte offset a resumed download begins at. */
export type ProgressFactory = (file: string, total: number | null, start: number) => ProgressReporter;

export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.max(0, Math.round(seconds * 10) / 10)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

function rate(bytes: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? bytes / seconds : 0;
}

/** Progress as plain lines, one per 10 %: for logs and pipes, where a bar is noise. */
export function lineProgress(log: (line: string) => void): ProgressFactory {
  return (file, total, start) => {
    const startedAt = Date.now();
    let last = start;
    let decile = total ? Math.floor((start / total) * 10) : 0;
    const size = total ? formatBytes(total) : "size unknown";
    log(start > 0 ? `${file}: resuming at ${formatBytes(start)} of ${size}` : `${file}: downloading (${size})`);
    return {
      update(bytes) {
        last = bytes;
        if (!total) return;
        const d = Math.floor((bytes / total) * 10);
        if (d <= decile) return;
        decile = d;
        const speed = rate(bytes - start, startedAt);
        const eta = speed > 0 ? (total - bytes) / speed : Infinity;
        log(
          `${file}: ${d * 10}% (${formatBytes(bytes)} of ${formatBytes(total)}, ${formatBytes(speed)}/s, ETA ${formatDuration(eta)})`,
        );
      },
      stop() {
        if (!total) log(`${file}: ${formatBytes(last)} received`);
      },
    };
  };
}

/** A cli-progress bar per file with bytes, rate and ETA, for an interactive terminal. */
export function barProgress(stream: NodeJS.WritableStream): ProgressFactory {
  return (file, total, start) => {
    // A bar for a file of a few kB only flickers; the log lines already name it.
    if (total !== null && total < 1_000_000) return { update() {}, stop() {} };
    const startedAt = Date.now();
    const bar = new SingleBar(
      {
        format: total
          ? `${file} [{bar}] {percentage}% | {done} / {size} | {speed} | ETA {eta_formatted}`
          : `${file} {done} | {speed}`,
        stream,
        hideCursor: true,
        barsize: 24,
        etaBuffer: 100,
        fps: 5,
      },
      Presets.shades_classic,
    );
    const payload = (bytes: number) => ({
      done: formatBytes(bytes),
      size: total ? formatBytes(total) : "?",
      speed: `${formatBytes(rate(bytes - start, startedAt))}/s`,
    });
    bar.start(total ?? 0, start, payload(start));
    return {
      update: (bytes) => bar.update(bytes, payload(bytes)),
      stop: () => bar.stop(),
    };
  };
}

/** A bar on a terminal, plain lines otherwise (CI logs, pipes). */
export function progressFor(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  log: (line: string) => void,
): ProgressFactory {
  return stream.isTTY ? barProgress(stream) : lineProgress(log);
}
