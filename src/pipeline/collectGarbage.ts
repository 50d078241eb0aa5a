/**
 * A full garbage collection, on demand. The run drops a layer's RDMs (tens to
 * hundreds of MB of typed arrays) between steps; V8 frees such buffers only
 * when it next collects, so without this the process holds the previous
 * step's arrays beside the next one's and overshoots its --memory budget
 * (measured: 1.3 GiB instead of 1.1 at N = 3,000). A collection costs
 * milliseconds, once per layer, tile or instance.
 *
 * The native engines' freed buffers are returned too, once the process holds
 * more than TRIM_ABOVE: glibc otherwise keeps them resident (measured at
 * K = 100: 2 GiB held after the Mantel tests, a 4.0 GiB peak for a 3.1 GiB
 * plan). Below that, what it could return matters to no budget, and a trim
 * costs 3–20 ms (measured in the default run, 20 of them: 0.2 s of the main
 * thread) plus the page faults when the memory is used again.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trimNativeHeap } from '../native/processControl.js';

const TRIM_ABOVE = 1024 ** 3;

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  if (process.memoryUsage.rss() > TRIM_ABOVE) trimNativeHeap();
}
