/**
 * What seedscope is and runs on: its version, how the native core was built,
 * the instruction set and threads it uses, and onnxruntime with its
 * execution providers. `seedscope info` prints it; every results.json
 * records it as `versions`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildRecord, loadAddon } from '../native/addon.js';
import { seedscopeVersion } from '../version.js';

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

/** The versions a results document records. */
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
