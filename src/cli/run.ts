/**
 * `seedscope run`: the whole analysis of the paper on a zoo (or two) and a
 * stimulus set, written to results.json, CSV tables, figures and report.html.
 */
import { Option, type Command } from 'commander';
import type { AnalysisEngines } from '../analysis/engines.js';
import { nativeEngines } from '../analysis/nativeEngines.js';
import type { ResultsDocument, ZooSection } from '../report/results.js';
import { collectInfo } from './info.js';
import { interruptController } from './interrupt.js';
import { printJson, warn } from './output.js';
import { choiceOption, collect, collectList, intOption, threadsOption } from './parsers.js';
import { DEFAULT_STIMULI, DEFAULT_ZOO, runAnalysis, type RunOptions } from './runPipeline.js';

const METRICS = ['correlation', 'cosine', 'euclidean', 'sqeuclidean'] as const;
const COMPARES = ['r2', 'pearson', 'spearman', 'rho-a', 'tau-a', 'cosine'] as const;
const DEVICES = ['cpu', 'cuda', 'auto'] as const;

export function runVersions(): Record<string, string> {
  const info = collectInfo();
  return {
    seedscope: info.version,
    node: info.node,
    onnxruntime: info.onnxruntime.version ?? 'unknown',
    native_build: `${info.build} ${info.build_type}`,
    isa: info.isa,
    compiler: info.compiler,
  };
}

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function summaryLines(s: ZooSection): string[] {
  const lines: string[] = [];
  const acc = s.behaviour?.accuracy.filter((a) => Number.isFinite(a)) ?? [];
  const accText = acc.length ? `accuracy ${fmt(Math.min(...acc), 4)}–${fmt(Math.max(...acc), 4)}` : 'accuracy –';
  lines.push(`${s.zoo.name}: ${s.instances.length} instances, ${accText}`);
  const header = ['layer', 'mean r²', '95% interval', 'centroid r²', 'within r²'];
  const rows = s.layers.map((l) => [
    l.name, fmt(l.consistency.mean_r2),
    l.consistency.ci95 ? `[${fmt(l.consistency.ci95[0])}, ${fmt(l.consistency.ci95[1])}]` : '–',
    fmt(l.centroid?.mean_r2), fmt(l.within_category?.mean_r2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(line(header));
  for (const r of rows) lines.push(line(r));
  return lines;
}

export function summaryTable(doc: ResultsDocument, outputDir: string): string {
  const lines: string[] = [];
  for (const s of doc.zoos ?? [doc]) lines.push(...summaryLines(s));
  if (doc.zoo_difference) {
    const d = doc.zoo_difference;
    const sig = d.layers.filter((l) => l.p_corrected < 0.05).map((l) => l.name);
    lines.push(`${d.zoos[0]} vs ${d.zoos[1]}: consistency differs (corrected p < 0.05) at ${sig.length ? sig.join(', ') : 'no layer'}`);
  }
  for (const s of (doc.zoos ?? [doc]).flatMap((z) => z.skipped)) lines.push(`skipped: ${s}`);
  lines.push(`wrote ${outputDir}/ (results.json, report.html, CSV, figures) in ${fmt(doc.timing.total_seconds, 1)} s`);
  return lines.join('\n') + '\n';
}

export function registerRun(program: Command, engines: () => AnalysisEngines = () => nativeEngines({ warn })): void {
  program
    .command('run')
    .description(`the whole analysis: consistency per layer with intervals and Mantel tests, centroid/exemplar analysis, second-order MDS, behaviour; results.json, CSV, figures and report.html (default: ${DEFAULT_ZOO} on ${DEFAULT_STIMULI})`)
    .option('--zoo <dir>', 'a zoo folder with zoo.json (repeat for two zoos: also tests their difference per layer)', collect)
    .option('--model <file>', 'plain ONNX files (or globs) forming one zoo; repeatable', collect)
    .option('--stimuli <spec>', 'builtin:NAME, idx:IMAGES[,LABELS], cifar10:FILE.bin, dir:PATH, npy:IMAGES.npy[,LABELS.npy]', DEFAULT_STIMULI)
    .option('--layers <names>', 'layers by short name, tensor name, pattern or op:Type (comma-separated or repeated; default: every layer)', collectList)
    .addOption(new Option('--metric <m>', 'RDM dissimilarity').choices(METRICS).default('correlation').argParser(choiceOption(METRICS)))
    .addOption(new Option('--compare <m>', 'RDM comparison (r and r² are always both reported)').choices(COMPARES).default('r2').argParser(choiceOption(COMPARES)))
    .option('--permutations <n>', 'Mantel and zoo-difference permutations (0: no tests)', intOption(0), 1000)
    .option('--bootstrap <n>', 'two-factor bootstrap samples for intervals (0: none)', intOption(0), 1000)
    .option('--seed <n>', 'seed of every random draw', intOption(0, 2 ** 32 - 1), 0)
    .option('--threads <n>', 'threads (0: all cores)', threadsOption, 0)
    .addOption(new Option('--device <d>', 'where onnxruntime runs').choices(DEVICES).default('cpu').argParser(choiceOption(DEVICES)))
    .option('-o, --output <dir>', 'output folder (written atomically)', 'seedscope-out')
    .option('--save-rdms', 'also save every RDM as rdms/<zoo>/<instance>/<layer>.npy (N × N float32)', false)
    .option('--json', 'print results.json to stdout (and nothing else there)', false)
    .option('--quiet', 'no progress or summary on stderr', false)
    .action(async (raw: Omit<RunOptions, 'stimuli'> & { stimuli: string }) => {
      const opts: RunOptions = { ...raw };
      const { doc, outputDir } = await runAnalysis(opts, {
        command: ['seedscope', ...process.argv.slice(2)].join(' '),
        versions: runVersions(),
        engines: engines(),
        signal: interruptController.signal,
        warn,
      });
      if (opts.json) printJson(doc);
      else if (!opts.quiet) process.stderr.write(summaryTable(doc, outputDir));
    });
}
