/**
 * The one debug handle on `window`: `__recallLens`, for the browser tests, benchmarks and anyone
 * poking at a running app from the console. Documented in docs/ARCHITECTURE.md:
 *
 * - `session`: the current AnalysisSession (corpus, embeddings, `variantEmbeddings(v)`);
 * - `plots`: the mounted UMAP plots by variant (`clientPosition(row)`, `toDataURL()`, …);
 * - `renderer`: the shared WebGL renderer (`draws`, `losses`, `restores`, `simulateContextLoss()`);
 * - `persist`: the saved view of the corpus on screen (`corpus()`, `stored()`);
 * - `selection`: the shared selection store (seed, hover, lasso, probe), e.g. `selection.getState().setProbe(…)`;
 * - `import`: the import worker's dry run (`check(files)`), used by the browser fuzz test.
 *
 * Faults for resilience tests come in the other way: a test sets `__recallLensTest` before the page
 * loads, and `testFaults()` is the one place that reads it (the worker hosts get it injected).
 */
export const debugHandle: Record<string, unknown> = {};
(globalThis as { __recallLens?: unknown }).__recallLens = debugHandle;

/** Faults a browser test armed before the page loaded (see e2e/resilience.spec.ts); mutable counters. */
export interface TestFaults {
  /** Evaluate jobs that crash their compute worker half-way. */
  crashEvaluates?: number;
  /** Encode jobs that kill their encoder worker after `crashEncoderAfter` batches (default 2). */
  crashEncoder?: number;
  crashEncoderAfter?: number;
  /** Encode jobs that destroy the WebGPU device after `loseDeviceAfter` batches (default 1). */
  loseDevice?: number;
  loseDeviceAfter?: number;
}

export function testFaults(): TestFaults | undefined {
  return (globalThis as { __recallLensTest?: TestFaults }).__recallLensTest;
}
