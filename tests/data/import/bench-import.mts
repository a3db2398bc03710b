/**
 * Measures importFiles in Node at N × 512 (default N = 100k) for one format, beside a 100k-row
 * manifest CSV: median of 3 runs and the RSS growth. Not a test (no assertions on time).
 *   N=100000 flock /tmp/cpu.lock npx tsx tests/data/import/bench-import.mts npy|arrow|parquet|csv
 * (csv: keep N ≤ 20000, the text of one file must stay under V8's string limit.)
 */
import { tableToIPC, Table, vectorFromArray, Utf8, FixedSizeList, Field, Float32, makeData, makeVector } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeNpy } from '../../../src/data/npy.ts';
import { importFiles } from '../../../src/data/import/import.ts';
import { memFiles, nodeDecoder } from './helpers.ts';

const N = Number(process.env.N ?? 100000),
  D = 512;
const data = new Float32Array(N * D);
let s = 1;
for (let i = 0; i < data.length; i++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  data[i] = s / 2 ** 32 - 0.5;
}
const ids = Array.from({ length: N }, (_, i) => `item${i}`);
const manifest = 'id,title,style\n' + ids.map((id, i) => `${id},t${i},s${i % 7}`).join('\n') + '\n';
const npy = writeNpy({ n: N, dim: D, data });
const which = process.argv[2];
const files: Record<string, string | Uint8Array> = { 'm.csv': manifest };
if (which === 'npy') files['e.npy'] = npy;
if (which === 'arrow') {
  const child = makeData({ type: new Float32(), length: N * D, data });
  const type = new FixedSizeList(D, new Field('item', new Float32()));
  const vec = makeVector(makeData({ type, length: N, nullCount: 0, child }));
  files['e.arrow'] = tableToIPC(new Table({ id: vectorFromArray(ids, new Utf8()), v: vec }), 'file');
}
if (which === 'parquet') {
  const rows: number[][] = [];
  for (let i = 0; i < N; i++) rows.push(Array.from(data.subarray(i * D, (i + 1) * D)));
  files['e.parquet'] = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids },
        { name: 'v', data: rows },
      ],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'v', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
      ] as never,
      rowGroupSize: 10000,
    }),
  );
}
if (which === 'csv')
  files['e.csv'] =
    'id,embedding\n' + ids.map((id, i) => `${id},"[${Array.from(data.subarray(i * D, (i + 1) * D)).join(', ')}]"`).join('\n') + '\n';
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
const times: number[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const ws = await importFiles(memFiles(files), { decodeImage: nodeDecoder });
  times.push(performance.now() - t0);
  if (ws.variants[0].embeddings.data[5] !== data[5]) throw new Error('mismatch');
}
times.sort((a, b) => a - b);
const size = Object.values(files).reduce((a, f) => a + (typeof f === 'string' ? f.length : f.length), 0);
console.log(
  `${which} N=${N} D=${D} files ${(size / 2 ** 20).toFixed(1)} MiB: median ${times[1].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[2].toFixed(0)}); rss +${((process.memoryUsage().rss - before) / 2 ** 20).toFixed(0)} MiB`,
);
