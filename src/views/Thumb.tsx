/**
 * One item's image, drawn from the corpus's RGB bytes into a small canvas. The drawing is queued and
 * done a few milliseconds per frame (a gallery of 210 neighbours was one 100–200 ms task): the
 * canvases appear at once and fill in over the next frames.
 */
import { useEffect, useRef } from 'react';

const queue: Array<() => void> = [];
let flushing = false;
/** Milliseconds of drawing per frame. */
const SLICE_MS = 8;

function drawSoon(job: () => void): void {
  queue.push(job);
  if (flushing) return;
  flushing = true;
  requestAnimationFrame(flush);
}

function flush(): void {
  const end = performance.now() + SLICE_MS;
  while (queue.length > 0 && performance.now() < end) queue.shift()!();
  if (queue.length > 0) requestAnimationFrame(flush);
  else flushing = false;
}

function draw(canvas: HTMLCanvasElement, rgb: Uint8Array, size: number): void {
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
}

export function Thumb({ rgb, size, px = 56, title }: { rgb: Uint8Array; size: number; px?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || size === 0) return;
    let live = true;
    drawSoon(() => live && draw(canvas, rgb, size));
    return () => {
      live = false;
    };
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
