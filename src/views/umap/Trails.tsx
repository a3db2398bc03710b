/**
 * Trails between the two panels of the compare mode: for each selected item (lasso or brushed, at
 * most MAX_TRAILS), a line from where it sits in panel A to where it sits in panel B. A 2-D canvas
 * over the grid, redrawn when the selection changes and after a pan or zoom in either panel.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useSelection } from '../../state/selection.ts';
import { umapPlots, useLayouts } from './registry.ts';

const MAX_TRAILS = 500;

export function Trails({ grid, a, b }: { grid: RefObject<HTMLDivElement | null>; a: string; b: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lasso = useSelection((s) => s.lasso);
  const layouts = useLayouts((s) => s.coords);
  useEffect(() => {
    const root = grid.current;
    const c = canvas.current;
    if (!root || !c) return;
    let pending = false;
    const draw = () => {
      pending = false;
      const box = root.getBoundingClientRect();
      const dpr = globalThis.devicePixelRatio || 1;
      c.width = Math.round(box.width * dpr);
      c.height = Math.round(box.height * dpr);
      c.style.width = `${box.width}px`;
      c.style.height = `${box.height}px`;
      const ctx = c.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, box.width, box.height);
      const pa = umapPlots.get(a);
      const pb = umapPlots.get(b);
      let drawn = 0;
      if (lasso && pa && pb) {
        ctx.strokeStyle = 'rgba(214, 39, 40, 0.35)';
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (const row of lasso.subarray(0, MAX_TRAILS)) {
          const p = pa.clientPosition(row);
          const q = pb.clientPosition(row);
          if (!p || !q) continue;
          ctx.moveTo(p.x - box.left, p.y - box.top);
          ctx.lineTo(q.x - box.left, q.y - box.top);
          drawn++;
        }
        ctx.stroke();
      }
      c.dataset.trails = String(drawn);
    };
    const request = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(draw);
    };
    request();
    root.addEventListener('wheel', request, { passive: true });
    root.addEventListener('pointerup', request);
    root.addEventListener('dblclick', request);
    window.addEventListener('resize', request);
    return () => {
      root.removeEventListener('wheel', request);
      root.removeEventListener('pointerup', request);
      root.removeEventListener('dblclick', request);
      window.removeEventListener('resize', request);
    };
  }, [grid, a, b, lasso, layouts]);
  return <canvas ref={canvas} className="umap-trails" data-testid="umap-trails" data-trails="0" />;
}
