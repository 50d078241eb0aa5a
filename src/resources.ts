/**
 * Requests that cannot be met are refused before anything is allocated:
 * every check here compares what a piece of work would need with what the
 * machine has, and says both in the error, in units people read.
 */
import { totalmem } from 'node:os';
import { UserError } from './errors.js';

/** 3.6 TiB, 512.0 MiB, 100 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * The memory one piece of work may take: 80 % of the machine's memory, so
 * that a request that cannot fit fails with a sentence rather than an
 * allocation failure or the kernel's OOM killer.
 */
export function memoryBudget(): number {
  return 0.8 * totalmem();
}

/** Throws a UserError when `bytes` exceed the memory budget; `what` names the work, e.g. "--permutations 1000000000 with --all-pairs". */
export function checkMemory(bytes: number, what: string, exitCode = 1): void {
  if (!(bytes <= memoryBudget())) {
    throw new UserError(`${what} would need ${formatBytes(bytes)} of memory but this machine has ${formatBytes(totalmem())}; ask for less`, exitCode);
  }
}
