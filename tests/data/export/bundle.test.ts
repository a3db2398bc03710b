/**
 * Round trips of the exported files: the projector bundle read back with src/data (projector.ts,
 * table.ts, files-node.ts), the .npy files with numpy (skipped without python3 + numpy), and the
 * whitening parameters applied by hand against the app's whitened variant.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/compute/sampling.ts';
import type { Embeddings } from '../../../src/compute/types.ts';
import { applyWhitening, fitWhitening } from '../../../src/compute/whitening.ts';
import { buildProjectorBundle, CONFIG_JSON, CONFIG_PBTXT } from '../../../src/data/export/projector-bundle.ts';
import { whiteningFiles, WHITENING_FORMULA } from '../../../src/data/export/whitening-files.ts';
import { writeNpyArray } from '../../../src/data/export/npy-array.ts';
import { zipFiles } from '../../../src/data/export/zip.ts';
import { loadProjectorConfig } from '../../../src/data/files-node.ts';
import { parseNpy, writeNpy } from '../../../src/data/npy.ts';
import { parseTableBytes } from '../../../src/data/table.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rl-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, Uint8Array>): void {
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}

function randomEmbeddings(n: number, dim: number, seed: number): Embeddings {
  const r = mulberry32(seed);
  // Correlated columns, so whitening has something to do.
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const base = r() * 4 - 2;
    for (let j = 0; j < dim; j++) data[i * dim + j] = base * (j + 1) * 0.3 + (r() - 0.5) + j;
  }
  return { n, dim, data };
}

/** A small .npy reader for float64 arrays of any shape (test side; numpy checks the same files below). */
function readNpyF64(bytes: Uint8Array): { shape: number[]; data: Float64Array } {
  const hl = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + hl));
  expect(header).toMatch(/'descr': '<f8'/);
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + 10 + hl, count * 8);
  const data = Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  expect(10 + hl + count * 8).toBe(bytes.length);
  return { shape, data };
}

const havePython = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function python(script: string, ...args: string[]): string {
  return execFileSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

const N = 50;
const S = 6;
const raw = randomEmbeddings(N, 8, 1);
const fitted = fitWhitening(raw);
const whitened = applyWhitening(raw, fitted, 3);
const r = mulberry32(2);
const images = Uint8Array.from({ length: N * S * S * 3 }, () => Math.floor(r() * 256));
const metadata = {
  names: ['id', 'title', 'style'],
  columns: [
    Array.from({ length: N }, (_, i) => `item-${i}`),
    Array.from({ length: N }, (_, i) => (i % 7 === 0 ? '' : `title ${i}\twith tab`)),
    Array.from({ length: N }, (_, i) => ['noto', 'twemoji', 'openmoji'][i % 3]),
  ],
};

describe('projector bundle', () => {
  it('loads back through projector_config.json: same vectors (TSV and .bytes), metadata, shapes, sprite', async () => {
    for (const tensors of ['tsv', 'bytes'] as const) {
      const { files, config } = buildProjectorBundle({
        variants: [
          { name: 'pixels', x: raw },
          { name: 'pixels+w3', x: whitened },
        ],
        metadata,
        thumbnails: { images, n: N, size: S },
        tensors,
      });
      const root = path.join(dir, `bundle-${tensors}`);
      writeTree(root, files);
      expect(config.embeddings.map((e) => e.tensorName)).toEqual(['pixels', 'pixels+w3']);
      expect(config.embeddings[1]).toEqual({
        tensorName: 'pixels+w3',
        tensorShape: [N, 3],
        tensorPath: `tensors/pixels+w3.${tensors}`,
        metadataPath: 'metadata.tsv',
        sprite: { imagePath: 'sprite.png', singleImageDim: [S, S] },
      });
      const entries = await loadProjectorConfig(path.join(root, CONFIG_JSON));
      expect(entries).toHaveLength(2);
      for (const [e, want] of [
        [entries[0], raw],
        [entries[1], whitened],
      ] as const) {
        const x = await e.load();
        expect([x.n, x.dim]).toEqual([want.n, want.dim]);
        expect(x.data).toEqual(want.data); // exact: .bytes copies, TSV writes float32 round-trip decimals
        const t = parseTableBytes(files[path.relative(root, e.metadataFile!)], 'metadata.tsv');
        expect(t.names).toEqual(metadata.names);
        expect(t.columns[0]).toEqual(metadata.columns[0]);
        expect(t.columns[1]).toEqual(metadata.columns[1].map((s) => s.replace('\t', ' ')));
        expect(t.columns[2]).toEqual(metadata.columns[2]);
      }
      const png = PNG.sync.read(Buffer.from(files['sprite.png']));
      const grid = Math.ceil(Math.sqrt(N));
      expect([png.width, png.height]).toEqual([grid * S, grid * S]);
      for (const i of [0, 13, N - 1]) {
        const gx = i % grid;
        const gy = Math.floor(i / grid);
        for (let y = 0; y < S; y++)
          for (let x = 0; x < S; x++)
            for (let c = 0; c < 3; c++) {
              expect(png.data[((gy * S + y) * png.width + gx * S + x) * 4 + c]).toBe(images[((i * S + y) * S + x) * 3 + c]);
            }
      }
      const pbtxt = new TextDecoder().decode(files[CONFIG_PBTXT]);
      expect(pbtxt).toContain(
        `embeddings {\n  tensor_name: "pixels+w3"\n  tensor_shape: ${N}\n  tensor_shape: 3\n  tensor_path: "tensors/pixels+w3.${tensors}"\n  metadata_path: "metadata.tsv"\n  sprite {\n    image_path: "sprite.png"\n    single_image_dim: ${S}\n    single_image_dim: ${S}\n  }\n}`,
      );
    }
  });

  it('no thumbnails (imageSize 0) → no sprite; no metadata → no metadataPath; zip holds the same files', () => {
    const { files, config } = buildProjectorBundle({
      variants: [{ name: 'a b/c', x: raw }],
      thumbnails: { images: new Uint8Array(0), n: N, size: 0 },
    });
    expect(Object.keys(files).sort()).toEqual([CONFIG_JSON, CONFIG_PBTXT, 'tensors/a_b_c.tsv']);
    expect(config.embeddings[0]).toEqual({ tensorName: 'a b/c', tensorShape: [N, 8], tensorPath: 'tensors/a_b_c.tsv' });
    const unz = unzipSync(zipFiles(files));
    expect(Object.keys(unz).sort()).toEqual(Object.keys(files).sort());
    for (const k of Object.keys(files)) expect(unz[k]).toEqual(files[k]);
  });

  it('refuses variants of different lengths or metadata of another length', () => {
    expect(() =>
      buildProjectorBundle({
        variants: [
          { name: 'a', x: raw },
          { name: 'b', x: { n: 2, dim: 1, data: new Float32Array(2) } },
        ],
      }),
    ).toThrow(/rows/);
    expect(() => buildProjectorBundle({ variants: [{ name: 'a', x: raw }], metadata: { names: ['x'], columns: [['1']] } })).toThrow(
      /metadata has 1 rows/,
    );
  });
});

describe('whitening files', () => {
  const files = whiteningFiles(fitted, { variant: 'pixels+w3', source: 'pixels', keep: 3, n: N }, 'whitening/pixels+w3');

  it("(x − μ)·W[:, :k] from mean.npy and W.npy equals the app's whitened variant within 1e-6", () => {
    const mean = readNpyF64(files['whitening/pixels+w3/mean.npy']);
    const W = readNpyF64(files['whitening/pixels+w3/W.npy']);
    const ev = readNpyF64(files['whitening/pixels+w3/eigenvalues.npy']);
    expect(mean.shape).toEqual([8]);
    expect(W.shape).toEqual([8, 8]);
    expect(ev.shape).toEqual([8]);
    expect(mean.data).toEqual(fitted.mean);
    expect(W.data).toEqual(fitted.w);
    expect(ev.data).toEqual(fitted.eigenvalues);
    let worst = 0;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let d = 0; d < 8; d++) s += (raw.data[i * 8 + d] - mean.data[d]) * W.data[d * 8 + j];
        worst = Math.max(worst, Math.abs(s - whitened.data[i * 3 + j]));
      }
    expect(worst).toBeLessThan(1e-6);
  });

  it('whitening.json holds the same numbers and says what they mean', () => {
    const j = JSON.parse(new TextDecoder().decode(files['whitening/pixels+w3/whitening.json']));
    expect(j).toMatchObject({ dim: 8, keep: 3, eps: fitted.eps, variant: 'pixels+w3', source: 'pixels', n: N, formula: WHITENING_FORMULA });
    expect(j.formula).toBe('x_w = (x − μ)·W[:, :k]');
    expect(j.mean).toEqual(Array.from(fitted.mean));
    expect(j.eigenvalues).toEqual(Array.from(fitted.eigenvalues));
    expect(j.W.flat()).toEqual(Array.from(fitted.w));
  });

  it.skipIf(!havePython)('numpy reads every .npy: same arrays, and (x − μ)·W[:, :k] matches the whitened variant', () => {
    const root = path.join(dir, 'npy');
    writeTree(root, {
      ...files,
      'pixels.npy': writeNpy(raw),
      'pixels+w3.npy': writeNpy(whitened),
      'v64.npy': writeNpyArray(Float64Array.of(1.5, -2, 3e-300), [3, 1]),
    });
    const out = python(
      `import json, sys, numpy as np
d = sys.argv[1] + '/'
w = d + 'whitening/pixels+w3/'
mu, W, ev = np.load(w + 'mean.npy'), np.load(w + 'W.npy'), np.load(w + 'eigenvalues.npy')
x, xw, v = np.load(d + 'pixels.npy'), np.load(d + 'pixels+w3.npy'), np.load(d + 'v64.npy')
k = json.load(open(w + 'whitening.json'))['keep']
y = (x.astype(np.float64) - mu) @ W[:, :k]
print(json.dumps({'dtypes': [str(a.dtype) for a in (mu, W, ev, x, xw, v)], 'shapes': [list(a.shape) for a in (mu, W, ev, x, xw, v)],
  'mu': mu.tolist(), 'W': W.ravel().tolist(), 'ev': ev.tolist(), 'x': x.ravel().tolist(), 'v': v.ravel().tolist(),
  'maxdiff': float(np.abs(y - xw).max())}))`,
      root,
    );
    const res = JSON.parse(out);
    expect(res.dtypes).toEqual(['float64', 'float64', 'float64', 'float32', 'float32', 'float64']);
    expect(res.shapes).toEqual([[8], [8, 8], [8], [N, 8], [N, 3], [3, 1]]);
    expect(res.mu).toEqual(Array.from(fitted.mean));
    expect(res.W).toEqual(Array.from(fitted.w));
    expect(res.ev).toEqual(Array.from(fitted.eigenvalues));
    expect(res.x).toEqual(Array.from(raw.data));
    expect(res.v).toEqual([1.5, -2, 3e-300]);
    expect(res.maxdiff).toBeLessThan(1e-6);
  });

  it('parseNpy (src/data) reads the float32 variant files exactly', () => {
    const back = parseNpy(writeNpy(whitened), 'w.npy');
    expect(back.data).toEqual(whitened.data);
  });
});
