/** The generator's seed inputs in Node: library writers, the 227-byte pixels.onnx model from public/models, the HF Parquet fixture. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedInputs } from './generate.ts';
import { nodeWriters } from './writers-node.ts';

let seeds: SeedInputs | undefined;

export function nodeSeeds(): SeedInputs {
  seeds ??= {
    writers: nodeWriters,
    pixelsOnnx: new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'public', 'models', 'pixels.onnx'))),
    hfParquet: new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'formats', 'hf.parquet'))),
  };
  return seeds;
}
