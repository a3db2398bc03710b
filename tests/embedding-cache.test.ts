import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cache, readAhead, readCached, readValue, rememberReads, writeCached, writeValue } from '../src/state/embedding-cache.ts';

describe('the cache read-ahead', () => {
  it('reads the keys the last session of a corpus read before they are asked for, and hands each out once', async () => {
    const x = { n: 2, dim: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    await writeCached('model:corpus', x);
    await writeValue('metrics:row', { metrics: { k: 5 }, knn: { indices: Int32Array.of(1, 0) } });
    await rememberReads('corpus', ['model:corpus', 'metrics:row', 'metrics:gone']);

    await readAhead('corpus');
    // Deleted after the read-ahead began: the values come from it, not from the store.
    await cache.delete('model:corpus');
    await cache.delete('metrics:row');
    const read = await readCached('model:corpus');
    expect(read && Array.from(read.data)).toEqual(Array.from(x.data));
    expect(await readValue('metrics:row')).toEqual({ metrics: { k: 5 }, knn: { indices: Int32Array.of(1, 0) } });
    expect(await readValue('metrics:gone')).toBeNull();
    // Handed out once: the next read goes to the store (where they are gone now).
    expect(await readCached('model:corpus')).toBeNull();
    expect(await readValue('metrics:row')).toBeNull();
  });

  it('reads nothing ahead for a corpus no session has read', async () => {
    await writeValue('other:row', 1);
    await readAhead('never-seen');
    await cache.delete('other:row');
    expect(await readValue('other:row')).toBeNull();
  });
});
