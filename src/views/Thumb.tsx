/** One item's image, drawn from the corpus's RGB bytes into a small canvas. */
import { useEffect, useRef } from 'react';

export function Thumb({ rgb, size, px = 56, title }: { rgb: Uint8Array; size: number; px?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || size === 0) return;
    const img = ctx.createImageData(size, size);
    for (let i = 0, j = 0; i < size * size * 3; i += 3, j += 4) {
      img.data[j] = rgb[i];
      img.data[j + 1] = rgb[i + 1];
      img.data[j + 2] = rgb[i + 2];
      img.data[j + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
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
