/** Exports every UMAP panel as one PNG (a grid, each panel labelled with its variant), for a slide. */
import { download } from '../download.ts';
import { umapPanelImages } from './registry.ts';

const COLUMNS = 3;
const LABEL = 22;

async function sheet(): Promise<Blob | null> {
  const entries = Object.entries(umapPanelImages());
  if (entries.length === 0) return null;
  const images = await Promise.all(
    entries.map(
      ([variant, url]) =>
        new Promise<[string, HTMLImageElement]>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve([variant, img]);
          img.onerror = () => reject(new Error(`panel ${variant} could not be drawn`));
          img.src = url;
        }),
    ),
  );
  const w = Math.max(...images.map(([, i]) => i.width));
  const h = Math.max(...images.map(([, i]) => i.height)) + LABEL;
  const canvas = document.createElement('canvas');
  canvas.width = w * Math.min(COLUMNS, images.length);
  canvas.height = h * Math.ceil(images.length / COLUMNS);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  images.forEach(([variant, img], i) => {
    const x = (i % COLUMNS) * w;
    const y = Math.floor(i / COLUMNS) * h;
    ctx.fillStyle = '#1d2430';
    ctx.font = '14px ui-monospace, monospace';
    ctx.fillText(variant, x + 8, y + 16);
    ctx.drawImage(img, x, y + LABEL);
  });
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

export function PanelsExport() {
  return (
    <button data-testid="export-umap-png" onClick={() => void sheet().then((b) => b && download(b, 'recall-lens-umap.png'))}>
      PNG
    </button>
  );
}
