/**
 * One item's image, drawn from the corpus's RGB bytes into a small canvas once it comes near the
 * viewport: a page shows hundreds of thumbnails (gallery, queue, comparisons), mostly out of view,
 * and drawing them all at once cost ~0.3 s of a warm reload's main thread (docs/BENCHMARKS.md).
 */
import { useEffect, useRef } from 'react';

export function Thumb({ rgb, size, px = 56, title }: { rgb: Uint8Array; size: number; px?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || size === 0) return;
    return whenNearView(canvas, () => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(size, size);
      for (let i = 0, j = 0; i < size * size * 3; i += 3, j += 4) {
        img.data[j] = rgb[i];
        img.data[j + 1] = rgb[i + 1];
        img.data[j + 2] = rgb[i + 2];
        img.data[j + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    });
  }, [rgb, size]);
  if (size === 0) {
    // A corpus imported without images or a sprite: a blank tile keeps the layout.
    return <span className="thumb none" style={{ width: px, height: px }} title={title} />;
  }
  return <canvas ref={ref} width={size} height={size} style={{ width: px, height: px }} className="thumb" title={title} />;
}

/** The RGB bytes of corpus row `row`. */
export function itemRgb(images: Uint8Array, size: number, row: number): Uint8Array {
  const n = size * size * 3;
  return images.subarray(row * n, (row + 1) * n);
}

const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | null = null;

/** Runs `draw` once `el` is within 300 px of the viewport (at once where there is no IntersectionObserver); returns the cancel. */
function whenNearView(el: Element, draw: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    draw();
    return () => undefined;
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const run = waiting.get(e.target);
        waiting.delete(e.target);
        observer!.unobserve(e.target);
        run?.();
      }
    },
    { rootMargin: '300px' },
  );
  waiting.set(el, draw);
  observer.observe(el);
  return () => {
    waiting.delete(el);
    observer?.unobserve(el);
  };
}
