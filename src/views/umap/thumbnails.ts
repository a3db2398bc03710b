/**
 * Thumbnails for points when zoomed in: the corpus's 64×64 RGB images turned into small canvases
 * on first use and kept in a bounded cache shared by every panel.
 */
import type { Corpus } from '../../data/corpus.ts';

export class ThumbnailCache {
  private readonly cache = new Map<number, HTMLCanvasElement>();

  constructor(
    private readonly corpus: Pick<Corpus, 'n' | 'images' | 'imageSize'>,
    private readonly limit = 3000,
  ) {}

  get(row: number): HTMLCanvasElement | null {
    const hit = this.cache.get(row);
    if (hit) {
      // refresh its place in the insertion order (LRU)
      this.cache.delete(row);
      this.cache.set(row, hit);
      return hit;
    }
    if (row < 0 || row >= this.corpus.n || this.corpus.imageSize === 0) return null;
    const s = this.corpus.imageSize;
    const canvas = document.createElement('canvas');
    canvas.width = s;
    canvas.height = s;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const img = ctx.createImageData(s, s);
    const src = this.corpus.images;
    const off = row * s * s * 3;
    for (let p = 0; p < s * s; p++) {
      img.data[p * 4] = src[off + p * 3];
      img.data[p * 4 + 1] = src[off + p * 3 + 1];
      img.data[p * 4 + 2] = src[off + p * 3 + 2];
      img.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    this.cache.set(row, canvas);
    if (this.cache.size > this.limit) this.cache.delete(this.cache.keys().next().value!);
    return canvas;
  }
}
