/**
 * How the encoder worker reports a WebGPU run that failed (device lost, or any GPU-side error): the
 * worker's onnxruntime may be left mid-run, so the EncoderClient restarts the worker and re-runs the
 * job on WASM. Shared by both sides (no imports: the main bundle must not pull in the worker).
 */
export const GPU_LOST_MARK = 'WebGPU lost: ';

export function isGpuLoss(message: string | undefined): boolean {
  return typeof message === 'string' && message.includes(GPU_LOST_MARK);
}
