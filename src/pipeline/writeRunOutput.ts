/**
 * What a run leaves in its output folder: figures (SVG and PNG), CSV
 * tables, report.html and results.json, and with --save-rdms every RDM.
 * Everything goes into the staged folder; the caller renames it into place.
 */
import type { PhaseTimer } from '../analysis/phases.js';
import type { ZooAnalysis } from '../analysis/types.js';
import type { ZooDifference } from '../analysis/zooDifference.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { RdmSet } from '../analysis/rdmSet.js';
import { uniqueFileNames } from '../io/fileNames.js';
import { jsonText } from '../io/json.js';
import { writeRdm } from '../io/rdmFile.js';
import type { StagedDir } from '../io/stagedDir.js';
import type { Figure } from '../report/figures.js';
import { reportHtml } from '../report/html.js';
import { buildResults, resultTables, zooSections, type ResultsDocument, type RunMeta } from '../report/results.js';

export interface RunProducts {
  meta: RunMeta;
  analyses: ZooAnalysis[];
  difference: ZooDifference | null;
  figures: Figure[];
}

/**
 * --save-rdms: rdms/<zoo>/<instance>/<layer>.npy, square N × N float32 (names
 * made unique like extract's: layers `a/b` and `a_b` give `a_b.npy` and
 * `a_b-2.npy`). `zooDir` is the zoo's folder name, already unique in the run.
 */
export async function saveRdms(staged: StagedDir, zooDir: string, set: RdmSet): Promise<void> {
  const instanceDirs = uniqueFileNames(set.instances);
  const layerFiles = uniqueFileNames(set.layers.map((l) => l.name));
  for (const [ii, dir] of instanceDirs.entries()) {
    for (const [li, file] of layerFiles.entries()) {
      const values = await set.read(li, ii, 'full');
      writeRdm(staged.file('rdms', zooDir, dir, `${file}.npy`), { n: set.n, values }, { dtype: 'float32' });
    }
  }
}

/**
 * Writes the figures and tables (the 'write' phase), then builds the results
 * document with the run's timing up to that point, and writes report.html
 * and results.json from it.
 */
export async function writeRunOutput(staged: StagedDir, products: RunProducts, timer: PhaseTimer, started: number): Promise<ResultsDocument> {
  const { meta, analyses, difference, figures } = products;
  const sections = zooSections(meta, analyses);
  await timer.time('write', () => {
    for (const f of figures) {
      writeFileAtomic(staged.file('figures', `${f.id}.svg`), f.svg);
      writeFileAtomic(staged.file('figures', `${f.id}.png`), f.png);
    }
    for (const [name, text] of Object.entries(resultTables(sections, difference))) writeFileAtomic(staged.file(name), text);
  });
  const timing = {
    total_seconds: Math.round(performance.now() - started) / 1000,
    phases: timer.snapshot(),
    phases_cpu: timer.cpuSnapshot(),
    // maxRSS is in KiB: the process's high-water mark, the figure /usr/bin/time -f %M reports
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const doc = buildResults(meta, sections, difference, timing);
  writeFileAtomic(staged.file('report.html'), reportHtml(doc, figures));
  writeFileAtomic(staged.file('results.json'), jsonText(doc));
  return doc;
}
