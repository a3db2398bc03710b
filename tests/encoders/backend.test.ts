import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pickBackend, probeWebGPU, summariseAdapter } from '../../src/encoders/backend.ts';
import { ortRuntimeFiles } from '../../src/encoders/ort-files.ts';
import { ROOT } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('probeWebGPU', () => {
  it('is false without navigator.gpu', async () => {
    vi.stubGlobal('navigator', {});
    expect(await probeWebGPU()).toBe(false);
    vi.stubGlobal('navigator', undefined);
    expect(await probeWebGPU()).toBe(false);
  });

  it('is true when requestAdapter() returns an adapter', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ features: new Set() }) } });
    expect(await probeWebGPU()).toBe(true);
  });

  it('is false when requestAdapter() returns null, rejects or throws', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect(await probeWebGPU()).toBe(false);
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => Promise.reject(new Error('lost')) } });
    expect(await probeWebGPU()).toBe(false);
    vi.stubGlobal('navigator', {
      gpu: {
        requestAdapter: () => {
          throw new Error('sync');
        },
      },
    });
    expect(await probeWebGPU()).toBe(false);
  });

  it('is false when requestAdapter() never answers', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => new Promise(() => {}) } });
    expect(await probeWebGPU(20)).toBe(false);
  });
});

describe('onnxruntime-web runtime files', () => {
  const dist = path.join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');

  it('exist in the installed package', () => {
    for (const f of ortRuntimeFiles()) expect(existsSync(path.join(dist, f)), f).toBe(true);
    expect(statSync(path.join(dist, 'ort-wasm-simd-threaded.jsep.wasm')).size).toBeGreaterThan(1e6);
  });

  it('are the ones the browser entry of "onnxruntime-web" loads, and it has both webgpu and wasm', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const entry = pkg.exports['.'].import.default; // what Vite resolves for a browser import
    const code = readFileSync(path.join(ROOT, 'node_modules', 'onnxruntime-web', entry), 'utf8');
    for (const f of ortRuntimeFiles()) expect(code.includes(f), `${entry} references ${f}`).toBe(true);
    expect(code.includes('"webgpu"') && code.includes('"wasm"')).toBe(true);
  });
});

describe('pickBackend', () => {
  const hardware = { software: false, label: 'nvidia ampere' };
  const never = async () => {
    throw new Error('must not calibrate');
  };

  it('recognises software and fallback adapters from their own info', () => {
    expect(
      summariseAdapter({ info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' } }).software,
    ).toBe(true);
    expect(summariseAdapter({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } }).software).toBe(true);
    expect(summariseAdapter({ isFallbackAdapter: true, info: { vendor: 'x' } }).software).toBe(true);
    expect(summariseAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false } })).toEqual({
      software: false,
      label: 'nvidia hopper',
    });
  });

  it('auto takes WASM without an adapter or with a software one, never calibrating it', async () => {
    expect(await pickBackend('auto', null, never)).toEqual({ backend: 'wasm', reason: 'no WebGPU adapter' });
    const d = await pickBackend('auto', { software: true, label: 'google swiftshader' }, never);
    expect(d.backend).toBe('wasm');
    expect(d.reason).toMatch(/software \(google swiftshader\)/);
  });

  it('auto on a hardware adapter takes the faster backend of the calibration (a fake slow GPU loses)', async () => {
    expect((await pickBackend('auto', hardware, async () => ({ webgpu: 4, wasm: 321 }))).backend).toBe('wasm');
    const fast = await pickBackend('auto', hardware, async () => ({ webgpu: 2000, wasm: 321 }));
    expect(fast).toEqual({ backend: 'webgpu', reason: 'calibrated: WebGPU 2000 items/s vs WASM 321 items/s' });
  });

  it("the analyst's choice wins, and WebGPU without an adapter is an error", async () => {
    expect((await pickBackend('webgpu', { software: true, label: 'swiftshader' }, never)).backend).toBe('webgpu');
    expect((await pickBackend('wasm', hardware, never)).backend).toBe('wasm');
    await expect(pickBackend('webgpu', null, never)).rejects.toThrow(/no adapter/);
  });
});
