/**
 * A one-line progress bar on stderr. Redraws in place on a TTY (at most every
 * 100 ms); elsewhere prints a line at each 10 % so CI logs stay short. Silent
 * when disabled (--json or --quiet).
 */
import { stderrOpen } from './output.js';

export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string, private readonly enabled: boolean) {}

  update(done: number, total: number, extra = ''): void {
    if (!this.enabled || total <= 0 || !stderrOpen()) return;
    const frac = Math.min(1, Math.max(0, done / total));
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastDraw < 100 && frac < 1) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const secs = ((now - this.started) / 1000).toFixed(1);
      process.stderr.write(`\r${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${secs}s ${extra}\x1b[K`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      process.stderr.write(`${this.label} ${(frac * 100).toFixed(0)}% ${extra}\n`);
    }
  }

  done(extra = ''): void {
    if (!this.enabled || !stderrOpen()) return;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.tty) process.stderr.write(`\r${this.label} done in ${secs}s ${extra}\x1b[K\n`);
    else process.stderr.write(`${this.label} done in ${secs}s ${extra}\n`);
  }
}
