/** `seedscope info [--json]`: what was built and what it will run on. */
import type { Command } from 'commander';
import { collectInfo } from '../pipeline/systemInfo.js';
import { printJson } from './output.js';
import { jsonOption } from './options.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the version, how the native core was built, the instruction set and threads it uses, and onnxruntime')
    .addOption(jsonOption())
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
