/**
 * One case of `seedscope bench scale`, in a process of its own so that its
 * peak resident memory is its own: runs the pipeline with the options given
 * as JSON in argv[2] and prints one JSON line with its figures.
 */
import { nativeEngines } from '../src/analysis/nativeEngines.js';
import { runPipeline, type RunOptions } from '../src/pipeline/runPipeline.js';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as RunOptions;
  const warn = (m: string): void => { process.stderr.write(`seedscope: warning: ${m}\n`); };
  const { doc, plan } = await runPipeline(opts, { command: 'seedscope bench scale', engines: nativeEngines({ warn }), signal: new AbortController().signal, warn });
  process.stdout.write(JSON.stringify({
    n: doc.stimuli.n,
    instances: doc.instances.length,
    layers: doc.layers.length,
    seconds: doc.timing.total_seconds,
    phases_seconds: doc.timing.phases,
    peak_rss_mib: doc.timing.peak_rss_mib,
    planned_peak_mib: Math.round(plan.peak_bytes / 1024 ** 2),
    rdm_cache: doc.rdm_cache,
  }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`seedscope: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
