/** Export the gallery: neighbour lists as CSV, and a PNG sheet (one row per variant, marks as borders). */
import type { AnalysisSession } from '../state/session.ts';
import type { QueryItem } from '../state/query.ts';
import { useStore, visibleVariants } from '../state/store.ts';
import { useSelection } from '../state/selection.ts';
import { neighboursToCsv, type NeighbourList } from '../data/neighbours-csv.ts';
import { download } from './download.ts';

interface Props {
  session: AnalysisSession;
  seed: number | null;
  query: QueryItem | null;
  k: number;
}

async function lists(session: AnalysisSession, seed: number | null, query: QueryItem | null, k: number): Promise<NeighbourList[]> {
  const state = useStore.getState();
  const { rows } = state;
  const order = visibleVariants(state);
  const out: NeighbourList[] = [];
  for (const variant of order) {
    if (query) {
      const r = query.results[variant];
      if (r) out.push({ variant, indices: r.indices.subarray(0, k), distances: r.distances.subarray(0, k) });
    } else if (seed !== null && rows[variant]?.status === 'done') {
      out.push({ variant, ...(await session.neighboursOf(variant, seed, k)) });
    }
  }
  return out;
}

export function GalleryExport({ session, seed, query, k }: Props) {
  const disabled = seed === null && !query;
  const name = query ? query.name : seed !== null ? (session.corpus.columns.id?.[seed] ?? String(seed)) : '';

  const csv = async () => {
    const text = neighboursToCsv(
      await lists(session, seed, query, k),
      session.corpus.columns,
      { row: query ? null : seed, name },
      session.facetNames,
    );
    download(new Blob([text], { type: 'text/csv' }), `neighbours-${safe(name)}.csv`);
  };

  const png = async () => {
    const ls = await lists(session, seed, query, k);
    const canvas = drawSheet(session, ls, query ? null : seed, query, k);
    canvas.toBlob((b) => b && download(b, `neighbours-${safe(name)}.png`), 'image/png');
  };

  return (
    <span className="exports">
      <button data-testid="export-neighbours-csv" disabled={disabled} onClick={() => void csv()}>
        CSV
      </button>
      <button data-testid="export-gallery-png" disabled={disabled} onClick={() => void png()}>
        PNG
      </button>
    </span>
  );
}

function safe(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 60);
}

const CELL = 64;
const LABEL = 170;

function drawSheet(
  session: AnalysisSession,
  ls: NeighbourList[],
  seed: number | null,
  query: QueryItem | null,
  k: number,
): HTMLCanvasElement {
  const { corpus } = session;
  const facet = session.facets.find((f) => f.name === useSelection.getState().facet) ?? session.facets[0];
  const canvas = document.createElement('canvas');
  canvas.width = LABEL + (k + 1) * (CELL + 6);
  canvas.height = ls.length * (CELL + 10) + 10;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const tile = (rgb: Uint8Array, size: number, x: number, y: number, border?: string) => {
    if (size === 0) return; // a corpus imported without images
    const img = ctx.createImageData(size, size);
    for (let i = 0, j = 0; i < size * size * 3; i += 3, j += 4) {
      img.data.set([rgb[i], rgb[i + 1], rgb[i + 2], 255], j);
    }
    ctx.putImageData(img, x, y);
    if (border) {
      ctx.strokeStyle = border;
      ctx.lineWidth = 3;
      ctx.strokeRect(x - 1.5, y - 1.5, size + 3, size + 3);
    }
  };
  const px = corpus.imageSize * corpus.imageSize * 3;
  const seedRgb = query?.rgb ?? (seed !== null ? corpus.images.subarray(seed * px, (seed + 1) * px) : null);
  const seedSize = query?.size ?? corpus.imageSize;
  ls.forEach((l, r) => {
    const y = 10 + r * (CELL + 10);
    ctx.fillStyle = '#1d2430';
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText(l.variant, 8, y + CELL / 2);
    if (seedRgb) tile(seedRgb, seedSize, LABEL, y);
    Array.from(l.indices).forEach((row, i) => {
      const same = seed !== null && facet && facet.codes[row] >= 0 && facet.codes[row] === facet.codes[seed];
      const border = seed === null || !facet ? undefined : same ? '#12b76a' : '#f04438';
      tile(corpus.images.subarray(row * px, (row + 1) * px), corpus.imageSize, LABEL + (i + 1) * (CELL + 6), y, border);
    });
  });
  return canvas;
}
