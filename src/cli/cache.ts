/**
 * `seedscope cache ls|du|prune [--cache DIR] [--json]`: look after the RDM
 * cache (default $XDG_CACHE_HOME/seedscope, else ~/.cache/seedscope).
 * prune takes --older-than DURATION (last use; 30d, 12h, 90m) or --all.
 */
import { Option, type Command } from 'commander';
import { cacheUsage, listEntries, pruneCache, type CacheEntryInfo } from '../store/cacheAdmin.js';
import { resolveCacheDir } from '../store/rdmCache.js';
import { printJson } from './output.js';
import { cacheDirOption, jsonOption } from './options.js';
import { durationArg } from './parsers.js';
import { formatBytes } from '../resources.js';

interface CacheCliOptions {
  cache?: string;
  json?: boolean;
}

interface PruneCliOptions extends CacheCliOptions {
  olderThan?: number;
  all?: boolean;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function entriesText(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

function describeText(d: Record<string, unknown>): string {
  return Object.entries(d).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/** Columns padded to their widest cell; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function lsText(dir: string, entries: CacheEntryInfo[]): string {
  if (entries.length === 0) return `no cached RDMs in ${dir}\n`;
  const rows = entries.map((e) => [
    e.key.slice(0, 12), String(e.n ?? '?'), e.metric ?? '?', e.status === 'ok' ? e.variant ?? '?' : 'CORRUPT',
    formatBytes(e.bytes), e.last_used.slice(0, 16).replace('T', ' '), e.status === 'ok' ? describeText(e.describe) : e.reason ?? '',
  ]);
  return `${dir}\n` + table([['KEY', 'N', 'METRIC', 'VARIANT', 'SIZE', 'LAST USED (UTC)', 'DESCRIBE'], ...rows]);
}

function cacheOption(cmd: Command): Command {
  return cmd
    .addOption(cacheDirOption())
    .addOption(jsonOption());
}

export function registerCache(program: Command): void {
  const cache = program
    .command('cache')
    .description('list, size and prune the cache of computed RDMs');

  cacheOption(cache.command('ls').description('list cached RDMs, most recently used first'))
    .action((opts: CacheCliOptions) => {
      const dir = resolveCacheDir(opts.cache);
      const entries = listEntries(dir);
      if (opts.json) printJson({ dir, entries });
      else process.stdout.write(lsText(dir, entries));
    });

  cacheOption(cache.command('du').description('total size and number of cached RDMs, per variant'))
    .action((opts: CacheCliOptions) => {
      const u = cacheUsage(resolveCacheDir(opts.cache));
      if (opts.json) {
        printJson(u);
        return;
      }
      const lines = [`${u.dir}: ${entriesText(u.entries)}, ${formatBytes(u.bytes)}`];
      for (const [variant, t] of Object.entries(u.variants).sort()) {
        lines.push(`  ${variant.padEnd(17)} ${String(t.entries).padStart(6)}  ${formatBytes(t.bytes)}`);
      }
      if (u.results.entries > 0) lines.push(`  ${'statistics'.padEnd(17)} ${String(u.results.entries).padStart(6)}  ${formatBytes(u.results.bytes)}`);
      if (u.staging.dirs > 0) {
        lines.push(`  ${plural(u.staging.dirs, 'temporary folder')} (${u.staging.stale} stale, removed by prune), ${formatBytes(u.staging.bytes)}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });

  cacheOption(cache.command('prune').description('remove cached RDMs not used for a while (--older-than) or all of them (--all)'))
    .addOption(new Option('--older-than <duration>', 'remove entries last used longer ago than this: 30d, 12h, 90m, 45s, 2w').argParser(durationArg).conflicts('all'))
    .addOption(new Option('--all', 'remove every entry'))
    .addHelpText('after', '\nStale temporary folders of interrupted writers are removed as well.')
    .action((opts: PruneCliOptions, cmd: Command) => {
      if (opts.olderThan === undefined && !opts.all) {
        cmd.error("error: expected --older-than DURATION or --all but received neither", { exitCode: 2, code: 'seedscope.cache.prune' });
      }
      const r = pruneCache(resolveCacheDir(opts.cache), { olderThanMs: opts.olderThan, all: opts.all });
      if (opts.json) {
        printJson(r);
        return;
      }
      const stale = r.stale_staging.dirs > 0 ? ` and ${plural(r.stale_staging.dirs, 'stale temporary folder')}` : '';
      const results = r.results.removed.entries + r.results.kept.entries > 0
        ? `; statistics: removed ${r.results.removed.entries}, kept ${r.results.kept.entries}` : '';
      process.stdout.write(`removed ${entriesText(r.removed.entries)} (${formatBytes(r.removed.bytes + r.stale_staging.bytes)})${stale}; kept ${entriesText(r.kept.entries)} (${formatBytes(r.kept.bytes)}) in ${r.dir}${results}\n`);
    });
}
