// Coalesces bursts of events (store changes arrive per ingest batch) into at most one call per
// interval, without starving: a steady stream still triggers a call every `ms`. No `vscode` import.

export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly fn: () => void) {}

  /** Run `fn` once, `ms` after the first request of a burst; `ms = 0` runs it now and cancels a pending run. */
  request(ms: number): void {
    if (ms <= 0) {
      this.cancel();
      this.fn();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fn();
    }, ms);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
