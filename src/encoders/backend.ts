/**
 * Whether WebGPU can run here: `navigator.gpu.requestAdapter()` returns an adapter. Works on the main
 * thread and in workers (WorkerNavigator.gpu). Never throws: no `navigator`, no `gpu`, a rejected
 * request, or no answer within `timeoutMs` (some drivers hang) all give false.
 */
export async function probeWebGPU(timeoutMs = 5000): Promise<boolean> {
  try {
    const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
    const gpu = nav?.gpu;
    if (!gpu || typeof gpu.requestAdapter !== 'function') return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const adapter = await Promise.race([gpu.requestAdapter().catch(() => null), timeout]);
      return adapter !== null && adapter !== undefined;
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return false;
  }
}

/** The part of the WebGPU API the probe needs (TypeScript's DOM lib has no WebGPU types). */
interface GpuLike {
  requestAdapter(options?: unknown): Promise<unknown>;
}
