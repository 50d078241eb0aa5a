/**
 * Synchronous clean-ups (staging folders, temporary caches) that must run
 * however the process ends: on a normal exit through the 'exit' event, and
 * on a second Ctrl-C, which ends the process without Node's teardown
 * (src/cli/interrupt.ts) and so calls runExitCleanups itself first.
 */
const cleanups = new Set<() => void>();
let hooked = false;

/** Registers `fn` to run once at exit; returns a function that unregisters it. */
export function onExitCleanup(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', runExitCleanups);
  }
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/** Runs (and forgets) every registered clean-up; one that fails does not stop the others. */
export function runExitCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      /* best effort: the process is ending */
    }
  }
}
