/** `seedscope info [--json]`: what was built and what it will run on. */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildRecord, loadAddon } from '../native/addon.js';
import { seedscopeVersion } from '../version.js';
import { printJson } from './output.js';

export interface ExecutionProviderInfo {
  name: string;
  available: boolean;
}

export interface InfoReport {
  version: string;
  node: string;
  build: string;
  build_type: string;
  isa: string;
  cpu_isa: string;
  mantel_screen: string;
  threads: number;
  compiler: string;
  onnxruntime: { version: string | null; execution_providers: ExecutionProviderInfo[] };
}

function onnxruntimeInfo(): InfoReport['onnxruntime'] {
  const require = createRequire(import.meta.url);
  try {
    const pkgPath = require.resolve('onnxruntime-node/package.json');
    const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => { name: string; bundled: boolean }[] };
    const binDir = join(dirname(pkgPath), 'bin', 'napi-v6', process.platform, process.arch);
    const providers = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }]).map((b) => ({
      name: b.name,
      // Non-bundled providers exist only when their shared library was installed
      // (ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node).
      available: b.bundled || existsSync(join(binDir, `libonnxruntime_providers_${b.name}.so`)),
    }));
    return { version, execution_providers: providers };
  } catch {
    return { version: null, execution_providers: [] };
  }
}

export function collectInfo(): InfoReport {
  const addon = loadAddon();
  const b = addon.buildInfo();
  const record = buildRecord();
  return {
    version: seedscopeVersion,
    node: process.version,
    build: record?.build ?? b.build,
    build_type: b.buildType,
    isa: b.isa,
    cpu_isa: b.cpuIsa,
    mantel_screen: b.mantelScreen,
    threads: b.threads,
    compiler: `g++ ${b.compiler}`,
    onnxruntime: onnxruntimeInfo(),
  };
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the version, how the native core was built, the instruction set and threads it uses, and onnxruntime')
    .option('--json', 'print one JSON document')
    .action((opts: { json?: boolean }) => {
      const r = collectInfo();
      if (opts.json) {
        printJson(r);
        return;
      }
      const eps = r.onnxruntime.execution_providers.map((e) => `${e.name}${e.available ? '' : ' (not installed)'}`).join(', ');
      process.stdout.write([
        `seedscope ${r.version} (Node ${r.node})`,
        `native build: ${r.build}, ${r.build_type}, ${r.compiler}`,
        `instruction set: ${r.isa}${r.isa !== r.cpu_isa ? ` (CPU supports ${r.cpu_isa}; lowered by SEEDSCOPE_ISA)` : ''}`,
        `Mantel screen kernels: ${r.mantel_screen}`,
        `threads: ${r.threads}`,
        `onnxruntime: ${r.onnxruntime.version ?? 'not found'}; execution providers: ${eps || 'none'}`,
      ].join('\n') + '\n');
    });
}
