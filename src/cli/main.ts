#!/usr/bin/env node
/**
 * The `seedscope` executable: installs the Ctrl-C handler and runs the program (program.ts).
 * The handler is installed before the program's modules load (onnxruntime,
 * vega, …: a few hundred milliseconds), so an early Ctrl-C too is handled.
 */
import { installInterruptHandler } from './interrupt.js';

installInterruptHandler();
const { buildProgram, exitCodeFor } = await import('./program.js');

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

void main();
