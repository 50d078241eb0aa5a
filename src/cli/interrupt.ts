/**
 * Ctrl-C handling: the first SIGINT cancels all native work and aborts the
 * shared signal (loops check it); outputs already use temporary names, so
 * nothing half-written is left. A second SIGINT exits at once.
 */
import { loadAddon } from '../native/addon.js';

export const interruptController = new AbortController();
let installed = false;

export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (interruptController.signal.aborted) {
      process.stderr.write('\nseedscope: interrupted twice, exiting now\n');
      process.exit(130);
    }
    process.stderr.write('\nseedscope: interrupted, stopping…\n');
    interruptController.abort();
    try {
      loadAddon().cancelAll();
    } catch {
      /* no addon loaded: nothing native to cancel */
    }
  });
}
