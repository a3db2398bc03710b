/** Chromium flags for this project's browser tests and benchmarks (Debian's chromium, headless, offline). */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium then exposes a real WebGPU adapter (SwiftShader, on the CPU). */
export const WEBGPU_ARGS = [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'];
