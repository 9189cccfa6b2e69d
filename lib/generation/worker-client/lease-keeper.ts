// Keeps a task's lease alive while it is being generated: a heartbeat every lease/3, re-timed
// from each answer's new expiry. A failed beat is retried sooner (the lease has two more
// thirds to go); a 409 aborts `lost`, which stops the generation.
import { LeaseLostError, type WorkerApi } from "./worker-api";

const MIN_INTERVAL_MS = 50;
const MAX_INTERVAL_MS = 5 * 60 * 1000;

export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  beats = 0;

  constructor(
    private readonly api: WorkerApi,
    private readonly taskId: string,
    private leaseMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Aborted with a LeaseLostError when the server says the task is no longer ours. */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  private interval(): number {
    return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.floor(this.leaseMs / 3)));
  }

  start(): void {
    this.schedule(this.interval());
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.beat(), ms);
  }

  private async beat(): Promise<void> {
    try {
      const { leaseMs } = await this.api.heartbeat(this.taskId, this.controller.signal);
      this.beats++;
      this.leaseMs = leaseMs;
      this.schedule(this.interval());
    } catch (e) {
      if (this.stopped || this.controller.signal.aborted) return;
      if (e instanceof LeaseLostError) {
        this.log(`task ${this.taskId}: heartbeat answered lease_lost; abandoning it`);
        this.stopped = true;
        this.controller.abort(e);
        return;
      }
      this.log(`task ${this.taskId}: heartbeat failed (${(e as Error).message}); trying again`);
      this.schedule(Math.max(MIN_INTERVAL_MS, Math.floor(this.interval() / 3)));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
