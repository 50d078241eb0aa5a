/**
 * Ctrl-C handling: the first SIGINT cancels all native work and aborts the
 * shared signal (loops check it, the extraction worker stops after its
 * batch); outputs already use temporary names, so nothing half-written is
 * left and the command ends with exit code 130.
 *
 * A second SIGINT ends the process at once, also with 130. It must not go
 * through process.exit(): that tears down onnxruntime's worker thread and the
 * native pool while they are mid-call, and a Napi::Error thrown during that
 * teardown aborted the process ("terminate called …", SIGABRT). Instead the
 * staging folders and temporary caches are removed here, synchronously, and
 * the addon's exitNow ends the process without unwinding anything.
 */
import { writeSync } from 'node:fs';
import { runExitCleanups } from '../io/exitCleanup.js';
import { cancelAllNative, exitWithoutTeardown } from '../native/processControl.js';

export const interruptController = new AbortController();
let installed = false;

/** One stderr line, written synchronously (the process may end right after). */
function say(message: string): void {
  // after the terminal's "^C" echo, start on a line of our own
  const lead = process.stderr.isTTY ? '\n' : '';
  try {
    writeSync(2, `${lead}seedscope: ${message}\n`);
  } catch {
    /* stderr closed: nothing to tell */
  }
}

function exitNow(code: number): never {
  runExitCleanups();
  exitWithoutTeardown(code);
  // only without an addon: then nothing native can be mid-call, and the ordinary exit is safe
  process.exit(code);
}

/**
 * The end of a cancelled command (exit code 130): at once, as a second Ctrl-C
 * ends it. An ordinary exit tears down the runtime first, and a second Ctrl-C
 * in that window found no handler and killed the process by SIGINT instead of
 * exiting 130. Its final line is already on stderr (written synchronously).
 */
export function endCancelled(): never {
  exitNow(130);
}

export function installInterruptHandler(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (interruptController.signal.aborted) {
      say('interrupted twice, exiting now');
      exitNow(130);
    }
    say('interrupted, stopping…');
    interruptController.abort();
    cancelAllNative(); // false without an addon: nothing native to cancel
  });
}

/**
 * A reader that goes away (`seedscope … | head`) closes standard output: the
 * next write fails with EPIPE, which Node raises as an unhandled 'error' event
 * (a stack trace). End instead as a program ended by SIGPIPE does, quietly with
 * 141 (128 + 13), after cancelling native work and removing staging folders.
 * Other write failures of standard output are one line and exit code 1; a
 * closed standard error is ignored (there is no one left to tell).
 */
export function installBrokenPipeHandler(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    cancelAllNative();
    if (err.code === 'EPIPE') exitNow(141);
    say(`cannot write to standard output (${err.code ?? err.message})`);
    exitNow(1);
  });
  process.stderr.on('error', () => { /* nothing to tell */ });
}
