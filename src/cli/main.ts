#!/usr/bin/env node
/** The `seedscope` executable: installs the Ctrl-C handler and runs the program (program.ts). */
import { installInterruptHandler } from './interrupt.js';
import { buildProgram, exitCodeFor } from './program.js';

async function main(): Promise<void> {
  installInterruptHandler();
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

void main();
