/**
 * `seedscope bench peak`: the machine's fp32 FMA peak from a register-only
 * loop on all threads with the instruction set the kernels use. A symmetric
 * product needs N·N·D flops (N²/2·D FMAs), so `bench rdm`'s gflops divided by
 * this peak is the fraction of the machine's limit it reaches.
 */
import type { Command } from 'commander';
import { peakFlops } from '../src/native/rdm.js';
import { numberOption, threadsOption } from '../src/cli/parsers.js';
import { printJson } from '../src/cli/output.js';

export function registerBenchPeak(bench: Command): void {
  bench
    .command('peak')
    .description('fp32 FMA peak of this machine (GFLOP/s, register-only loop on all threads)')
    .option('--seconds <s>', 'how long to run', numberOption(0.01, 60), 1)
    .option('--threads <n>', 'threads (0 = all cores)', threadsOption, 0)
    .option('--json', 'print one JSON document')
    .action(async (o: { seconds: number; threads: number; json?: boolean }) => {
      const p = await peakFlops(o.seconds, o.threads);
      const r = {
        op: 'peak', threads: p.threads, isa: p.isa, seconds: o.seconds, gflops: p.gflops,
        // per second of CPU time one core got: robust when other processes share the cores
        gflops_per_cpu_second: p.gflopsPerCpuSecond,
        // N·N·D-equivalent: the N·N·D a symmetric RDM product could do per second at peak (× 1e9).
        nnd_per_second_1e9: p.gflops,
      };
      if (o.json) {
        printJson(r);
        return;
      }
      process.stdout.write(`fp32 FMA peak: ${p.gflops.toFixed(1)} GFLOP/s on ${p.threads} threads (${p.isa}), ` +
        `${p.gflopsPerCpuSecond.toFixed(1)} per CPU-second of one core; ` +
        `an RDM at N·N·D / s reaching this figure would be at 100 % of peak\n`);
    });
}
