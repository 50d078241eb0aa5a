/** The fast two-factor bootstrap of mean pairwise Pearson r / r² (native/binding/bootstrap_pearson_binding.cc). */
import type { ProgressCallback } from './core.js';

export interface BootstrapPearsonNativeOptions {
  samples: number;
  seed?: number;
  /** 'both': stimuli and instances (needs K ≥ 3); 'stimuli': stimuli only */
  over: 'both' | 'stimuli';
  /** mean of r² (default) or of r */
  squared?: boolean;
  threads?: number;
  onProgress?: ProgressCallback;
}

export interface BootstrapPearsonAddon {
  /** K condensed RDMs of n stimuli, all entries finite. Resolves to one replicate per sample (NaN where undefined). */
  bootstrapPearson(rdms: Float64Array[], n: number, options: BootstrapPearsonNativeOptions): Promise<Float64Array>;
}
