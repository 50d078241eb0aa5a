/** What the addon says about how it was built and what it runs on. */
export interface BuildInfo {
  /** 'cmake-js' or 'node-gyp' */
  build: string;
  buildType: string;
  /** instruction set the kernels use (after SEEDSCOPE_ISA) */
  isa: 'avx512' | 'avx2' | 'portable';
  /** best instruction set the CPU supports */
  cpuIsa: 'avx512' | 'avx2' | 'portable';
  /** the kernels of the Mantel test's screen (native/core/mantel_screen.h) */
  mantelScreen: 'avx512-vnni' | 'avx2' | 'none';
  threads: number;
  compiler: string;
  napiVersion: number;
}

/** Progress callback: called on the main thread at most every 100 ms. */
export type ProgressCallback = (done: number, total: number) => void;

export interface CoreAddon {
  buildInfo(): BuildInfo;
  /** Stops every native operation in flight (their promises reject with code ECANCELLED). */
  cancelAll(): void;
  /**
   * Ends the process at once with `code`: no 'exit' event, no atexit
   * handlers, no teardown of addons or worker threads (the second Ctrl-C).
   */
  exitNow(code: number): never;
  /**
   * Hands the C heap's free pages back to the system (glibc's malloc_trim)
   * when at least minFree bytes lie free in it; `free`: the bytes found free
   * (0 where the C library is not glibc), `trimmed`: whether pages were returned.
   */
  trimHeap(minFree?: number): { free: number; trimmed: boolean };
  /**
   * Test hook for the native thread pool: runs parallel_for over nTasks tasks
   * ('sum': adds the task indices; 'throw': task nTasks/2 throws and the
   * promise rejects with its message; 'nested': each task runs an inner
   * parallel_for over 10 tasks and adds i·10 + j). `workers`: distinct
   * worker ids that ran tasks.
   */
  threadPoolCheck(nTasks: number, threads: number, mode: 'sum' | 'throw' | 'nested'): Promise<{ sum: number; workers: number }>;
}
