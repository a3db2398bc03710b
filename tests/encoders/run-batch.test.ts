import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { runBatch, type OutputLike, type RunnableSession } from '../../src/encoders/session-check.ts';
import { fakeImageCard } from './fixtures.ts';

// runBatch is the run body onnxruntime-web and onnxruntime-node sessions share; here with a fake session.

const card = fakeImageCard(2, 3);

interface FakeTensor {
  type: string;
  data: Float32Array | BigInt64Array;
  dims: number[];
}
type Out = OutputLike & { data: Float32Array };

function session(
  answer: (feeds: Record<string, FakeTensor>) => Record<string, Out>,
): RunnableSession<FakeTensor, Out> & { feeds: Record<string, FakeTensor>[] } {
  const feeds: Record<string, FakeTensor>[] = [];
  return {
    feeds,
    async run(f) {
      feeds.push(f);
      return answer(f);
    },
  };
}

const tensor = (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]): FakeTensor => ({ type, data, dims });
const failed = (m: string): string => `inference failed (fake: ${m})`;

describe('runBatch', () => {
  it('feeds the card input as a [count, 3, S, S] tensor and returns the checked output with all outputs', async () => {
    const data = new Float32Array(6).fill(0.5);
    const s = session(() => ({
      embedding: { type: 'float32', dims: [2, 3], data },
      extra: { type: 'float32', dims: [1], data: new Float32Array(1) },
    }));
    const input = new Float32Array(2 * 3 * 2 * 2);
    const disposed: FakeTensor[] = [];
    const r = await runBatch(s, card, 'fake.onnx', input, 2, tensor, failed, (t) => disposed.push(t));
    expect(r.output.data).toBe(data);
    expect(Object.keys(r.outputs)).toEqual(['embedding', 'extra']);
    expect(s.feeds).toHaveLength(1);
    expect(s.feeds[0].images).toEqual({ type: 'float32', data: input, dims: [2, 3, 2, 2] });
    expect(disposed).toEqual([s.feeds[0].images]);
  });

  it('wrong input length: RangeError before the session runs', async () => {
    const s = session(() => ({}));
    await expect(runBatch(s, card, 'fake.onnx', new Float32Array(5), 2, tensor, failed)).rejects.toThrow(RangeError);
    expect(s.feeds).toHaveLength(0);
  });

  it('an onnxruntime error becomes an InputError naming the file, and the input is still released', async () => {
    const s = session(() => {
      throw new Error(
        '[E:onnxruntime:, sequential_executor.cc:516] Non-zero status code returned while running Conv node. failed: bad shape',
      );
    });
    const disposed: FakeTensor[] = [];
    const err = await runBatch(s, card, 'fake.onnx', new Float32Array(12), 1, tensor, failed, (t) => disposed.push(t)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('fake.onnx: inference failed (fake: bad shape)');
    expect(disposed).toHaveLength(1);
  });

  it('a missing, non-float32 or misshapen output is an InputError naming the file', async () => {
    const input = new Float32Array(12);
    const run = (outputs: Record<string, Out>) =>
      runBatch(
        session(() => outputs),
        card,
        'fake.onnx',
        input,
        1,
        tensor,
        failed,
      ).catch((e) => e.message);
    expect(await run({})).toBe('fake.onnx: output "embedding" is missing, expected float32');
    expect(await run({ embedding: { type: 'int64', dims: [1, 3], data: new Float32Array(3) } })).toBe(
      'fake.onnx: output "embedding" is int64, expected float32',
    );
    expect(await run({ embedding: { type: 'float32', dims: [1, 4], data: new Float32Array(4) } })).toBe(
      'fake.onnx: output "embedding" has shape [1, 4] for 1 items, the card says [1, 3]',
    );
    expect(await run({ embedding: { type: 'float32', dims: [3], data: new Float32Array(3) } })).toBe(
      'fake.onnx: output "embedding" has shape [3] for 1 items, the card says [1, 3]',
    );
  });
});
