/**
 * Which onnxruntime-web backend an encoder runs on. WebGPU only where it is a real GPU and faster:
 * many VMs and GPU-less machines expose a software adapter (SwiftShader, llvmpipe, WARP) that runs
 * the CNNs ~80× slower than multi-threaded WASM. `describeAdapter` reads the adapter's own info
 * (`isFallbackAdapter`, vendor/architecture/description); `pickBackend` decides from it and, for a
 * hardware adapter, from a short calibration run on each backend. Works on the main thread and in
 * workers (WorkerNavigator.gpu). Nothing here throws: no `navigator`, no `gpu`, a rejected request or
 * no answer within `timeoutMs` (some drivers hang) all mean "no adapter".
 */

export type Backend = 'webgpu' | 'wasm';
export type BackendChoice = 'auto' | Backend;

export interface AdapterSummary {
  /** A software or fallback adapter (runs on the CPU). */
  software: boolean;
  /** Vendor / architecture / description, for the analyst. */
  label: string;
}

/** The part of the WebGPU API read here (TypeScript's DOM lib has no WebGPU types). */
interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|\bwarp\b|cpu/i;

/** Whether an adapter is software, from its own info. */
export function summariseAdapter(adapter: AdapterLike): AdapterSummary {
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.trim()).join(' ') || 'unknown adapter';
  const software = Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter) || SOFTWARE.test(label);
  return { software, label };
}

/** The WebGPU adapter here, summarised; null when there is none. */
export async function describeAdapter(timeoutMs = 5000): Promise<AdapterSummary | null> {
  try {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu || typeof gpu.requestAdapter !== 'function') return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const adapter = await Promise.race([gpu.requestAdapter().catch(() => null), timeout]);
      return adapter ? summariseAdapter(adapter) : null;
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return null;
  }
}

/** Whether WebGPU can run here at all (any adapter, software included). */
export async function probeWebGPU(timeoutMs = 5000): Promise<boolean> {
  return (await describeAdapter(timeoutMs)) !== null;
}

export interface BackendDecision {
  backend: Backend;
  /** Why, in words the encoder panel shows. */
  reason: string;
}

/** Items per second on each backend from a short run (after a warm-up batch). */
export type Calibrate = () => Promise<{ webgpu: number; wasm: number }>;

const rate = (v: number) => `${v.toFixed(0)} items/s`;

/**
 * The backend for a choice: 'wasm' and 'webgpu' are the analyst's (a URL option or the control);
 * 'auto' takes WASM without a hardware adapter, and otherwise the faster of the two in `calibrate`.
 */
export async function pickBackend(choice: BackendChoice, adapter: AdapterSummary | null, calibrate: Calibrate): Promise<BackendDecision> {
  if (choice === 'wasm') return { backend: 'wasm', reason: 'WASM, as chosen' };
  if (choice === 'webgpu') {
    if (!adapter) throw new Error('WebGPU was requested but no adapter is available');
    return { backend: 'webgpu', reason: `WebGPU, as chosen (${adapter.label}${adapter.software ? ', software' : ''})` };
  }
  if (!adapter) return { backend: 'wasm', reason: 'no WebGPU adapter' };
  if (adapter.software) return { backend: 'wasm', reason: `WebGPU adapter is software (${adapter.label}): WASM is faster` };
  const r = await calibrate();
  return r.webgpu > r.wasm
    ? { backend: 'webgpu', reason: `calibrated: WebGPU ${rate(r.webgpu)} vs WASM ${rate(r.wasm)}` }
    : { backend: 'wasm', reason: `calibrated: WASM ${rate(r.wasm)} vs WebGPU ${rate(r.webgpu)}` };
}
