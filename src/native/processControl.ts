/**
 * The addon's process-wide controls: for the Ctrl-C handler (src/cli/interrupt.ts),
 * cancelling every native operation and ending the process without unwinding
 * (native/binding/exit_binding.cc says why process.exit() is not enough); for
 * the run's memory budget, returning the C heap's free pages (heap_binding.cc).
 */
import { loadAddon } from './addon.js';

/** Stops every native operation in flight; false when no addon could be loaded (then nothing native runs). */
export function cancelAllNative(): boolean {
  try {
    loadAddon().cancelAll();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends the process at once with `code`: no 'exit' event, no teardown of
 * addons or worker threads. Returns only when no addon could be loaded.
 */
export function exitWithoutTeardown(code: number): void {
  let addon;
  try {
    addon = loadAddon();
  } catch {
    return;
  }
  addon.exitNow(code);
}

/**
 * Returns the native heap's free pages to the system when at least `minFree`
 * bytes lie free there; false when nothing was returned (or no addon).
 */
export function trimNativeHeap(minFree = 0): boolean {
  try {
    return loadAddon().trimHeap(minFree).trimmed;
  } catch {
    return false;
  }
}
