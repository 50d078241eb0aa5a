#!/usr/bin/env node
/**
 * The `seedscope` executable: installs the Ctrl-C handler and runs the program (program.ts).
 * The handler is installed before the program's modules load (onnxruntime,
 * sharp, …: a few hundred milliseconds), so an early Ctrl-C too is handled.
 */
import { endCancelled, installBrokenPipeHandler, installInterruptHandler, interruptController } from './interrupt.js';

installInterruptHandler();
installBrokenPipeHandler();
const { buildProgram, exitCodeFor } = await import('./program.js');

async function main(): Promise<void> {
  if (interruptController.signal.aborted) {
    // Ctrl-C while the modules loaded: nothing has started, so stop here
    // (not every command checks the signal before its first step)
    process.stderr.write('seedscope: cancelled\n');
    process.exitCode = 130;
    return;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
  if (process.exitCode === 130 && interruptController.signal.aborted) endCancelled();
}

void main();
