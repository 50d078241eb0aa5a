/**
 * `--device cpu|cuda|auto`. onnxruntime-node ships the CPU provider; CUDA's
 * provider library is only there when it was installed with
 * ONNXRUNTIME_NODE_INSTALL=cuda12. `cuda` without it is an error that gives
 * the command; `auto` falls back to the CPU with one warning.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';

export type DeviceChoice = 'cpu' | 'cuda' | 'auto';
export type Device = 'cpu' | 'cuda';
export const DEVICES: readonly DeviceChoice[] = ['cpu', 'cuda', 'auto'];
export const CUDA_REINSTALL = 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node';

export function cudaProviderInstalled(): boolean {
  if (process.env.SEEDSCOPE_NO_CUDA === '1') return false; // lets tests see a machine without it
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    return existsSync(join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

export function resolveDevice(choice: DeviceChoice, warn: (message: string) => void): Device {
  if (choice === 'cpu') return 'cpu';
  if (cudaProviderInstalled()) return 'cuda';
  if (choice === 'cuda') {
    throw new UserError(`--device cuda: onnxruntime-node was installed without its CUDA execution provider; install it with: ${CUDA_REINSTALL}`);
  }
  warn(`--device auto: onnxruntime's CUDA execution provider is not installed (${CUDA_REINSTALL}); running on the CPU`);
  return 'cpu';
}
