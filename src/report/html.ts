/**
 * report.html: one self-contained page (figures inline as SVG or PNG data
 * URIs, styles inline, no scripts, nothing fetched) that opens offline.
 */
import { escapeXml } from './svgText.js';
import type { Figure } from './figures.js';
import type { ResultsDocument, ZooSection } from './results.js';


function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function pValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v < 0.001 ? v.toExponential(1) : v.toFixed(3);
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function zooBlock(s: ZooSection): string {
  const inst = s.zoo.instances;
  const acc = s.behaviour?.accuracy;
  const parts = [`<h3>${escapeXml(s.zoo.name)}</h3>`, `<p>${escapeXml([s.zoo.architecture, s.zoo.dataset, s.zoo.dir].filter(Boolean).join(' · '))}</p>`];
  parts.push(table(['instance', 'seed', 'file', 'test accuracy (manifest)', 'accuracy on these stimuli'],
    inst.map((i, k) => [i.name, i.seed ?? '–', i.file ?? '–', num(i.test_accuracy ?? null, 4), num(acc?.[k], 4)].map(String))));
  return parts.join('\n');
}

function summaryTable(s: ZooSection): string {
  return table(['layer', 'features', 'mean r', 'mean r²', '95 % interval', 'centroid r²', 'within r²', 'between r²', 'centroids removed r²', 'pairs p_corr < 0.05'],
    s.layers.map((l) => {
      const sig = l.consistency.pairs.filter((p) => p.p_corrected !== null && p.p_corrected < 0.05).length;
      return [l.name, String(l.d), num(l.consistency.mean_r), num(l.consistency.mean_r2),
        l.consistency.ci95 ? `[${num(l.consistency.ci95[0])}, ${num(l.consistency.ci95[1])}]` : '–',
        num(l.centroid?.mean_r2), num(l.within_category?.mean_r2), num(l.between_category?.mean_r2), num(l.centroid_removed?.mean_r2),
        l.consistency.pairs.length ? `${sig} / ${l.consistency.pairs.length}` : '–'];
    }));
}

function figureBlock(f: Figure): string {
  const body = f.embed === 'svg'
    ? f.svg.replace(/^<\?xml[^>]*>\s*/, '')
    : `<img alt="${escapeXml(f.title)}" src="data:image/png;base64,${f.png.toString('base64')}">`;
  return `<figure id="${escapeXml(f.id)}"><div class="fig">${body}</div><figcaption><b>${escapeXml(f.title)}.</b> ${escapeXml(f.caption)} <span class="files">(${escapeXml(f.id)}.svg, ${escapeXml(f.id)}.png)</span></figcaption></figure>`;
}

export function reportHtml(doc: ResultsDocument, figures: Figure[]): string {
  const sections = doc.zoos ?? [doc];
  const st = doc.stimuli;
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  parts.push(`<title>seedscope report: ${escapeXml(sections.map((s) => s.zoo.name).join(' vs '))}</title>`);
  parts.push(`<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #ddd;padding:.25em .55em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
figure{margin:1.5em 0}.fig{overflow-x:auto}.fig svg,.fig img{max-width:100%;height:auto}
figcaption{font-size:.92em;color:#333;margin-top:.4em}.files{color:#888}
.note{background:#fff8e1;border-left:4px solid #f0c040;padding:.4em .8em}code{background:#f4f4f4;padding:0 .2em}
</style></head><body>`);
  parts.push(`<h1>seedscope report</h1>`);
  parts.push(`<p>How much do instances of one network that differ only in their random seed differ in what they represent? ` +
    `Representational consistency of two instances at a layer is the shared variance (r²) of their RDMs' upper triangles (Mehrer et al. 2020).</p>`);
  parts.push(`<p>Created ${escapeXml(doc.created)} by <code>${escapeXml(doc.command)}</code>.</p>`);
  const skipped = sections.flatMap((s) => s.skipped);
  if (skipped.length) parts.push(`<div class="note"><b>Skipped:</b><ul>${skipped.map((s) => `<li>${escapeXml(s)}</li>`).join('')}</ul></div>`);

  parts.push(`<h2>Zoo${sections.length > 1 ? 's' : ''}</h2>`);
  for (const s of sections) parts.push(zooBlock(s));

  parts.push(`<h2>Stimuli</h2>`);
  parts.push(table(['spec', 'stimuli', 'labelled', 'classes', 'per class', 'checksum'],
    [[st.spec, String(st.n), st.labelled ? 'yes' : 'no', st.classes?.join(', ') ?? '–', st.per_class ? String(st.per_class) : '–', st.checksum ?? '–']]));

  parts.push(`<h2>Consistency by layer</h2>`);
  for (const s of sections) {
    if (sections.length > 1) parts.push(`<h3>${escapeXml(s.zoo.name)}</h3>`);
    parts.push(summaryTable(s));
  }
  if (doc.zoo_difference) {
    const d = doc.zoo_difference;
    parts.push(`<h3>Difference between the zoos</h3><p>${escapeXml(d.method)}; ${d.permutations} permutations; p corrected by ${escapeXml(d.correction)}.</p>`);
    parts.push(table(['layer', `mean r² ${d.zoos[0]}`, `mean r² ${d.zoos[1]}`, 'difference', 'p', 'p corrected'],
      d.layers.map((l) => [l.name, num(l.mean_r2_a), num(l.mean_r2_b), num(l.difference), pValue(l.p), pValue(l.p_corrected)])));
  }

  parts.push(`<h2>Figures</h2>`);
  for (const f of figures) parts.push(figureBlock(f));

  for (const s of sections) {
    if (!s.behaviour) continue;
    const b = s.behaviour;
    const accs = b.accuracy.filter((a) => Number.isFinite(a));
    parts.push(`<h2>Behaviour${sections.length > 1 ? ` (${escapeXml(s.zoo.name)})` : ''}</h2>`);
    parts.push(`<p>Accuracy on the stimuli ${num(Math.min(...accs), 4)}–${num(Math.max(...accs), 4)}; mean agreement of predicted labels ${num(b.mean_agreement)}; mean error consistency κ ${num(b.mean_error_consistency)}.</p>`);
  }

  parts.push(`<h2>How this run was made</h2>`);
  parts.push(table(['option', 'value'], Object.entries(doc.options).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
  parts.push(table(['component', 'version'], Object.entries(doc.versions).map(([k, v]) => [k, v])));
  parts.push(table(['phase', 'seconds'], [...Object.entries(doc.timing.phases).map(([k, v]) => [k, num(v, 2)]), ['total', num(doc.timing.total_seconds, 2)]]));
  parts.push(table(['input', 'sha256'], [
    [doc.inputs.stimuli.spec, doc.inputs.stimuli.checksum ?? '–'],
    ...doc.inputs.zoos.flatMap((z) => z.files.map((f) => [f.file ?? z.name, f.sha256 ?? '–'])),
  ]));
  parts.push(`<p>Seed ${doc.seed}. All numbers are in <code>results.json</code> and the CSV files beside this report.</p>`);
  parts.push(`</body></html>`);
  return parts.join('\n');
}
