/**
 * Links the hovered item between the UMAP panels and a list of items (the gallery): hovering a tile
 * (any element with `data-row`) hovers that item everywhere, and the item hovered in a panel is
 * marked on every tile showing it. Done on the DOM directly, outside React: a hover re-renders nothing.
 */
import { useEffect, type RefObject } from 'react';
import { useSelection } from '../state/selection.ts';

export function useHoverLink(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let marked: Element[] = [];
    const apply = (row: number | null) => {
      for (const el of marked) el.classList.remove('hovered');
      marked = row === null ? [] : Array.from(root.querySelectorAll(`[data-row="${row}"]`));
      for (const el of marked) el.classList.add('hovered');
      root.dataset.hovered = row === null ? '' : String(row);
    };
    apply(useSelection.getState().hovered);
    const unsubscribe = useSelection.subscribe((s, prev) => {
      if (s.hovered !== prev.hovered) apply(s.hovered);
    });
    const over = (e: PointerEvent) => {
      const tile = (e.target as Element | null)?.closest?.('[data-row]');
      const row = tile ? Number(tile.getAttribute('data-row')) : null;
      if (row !== useSelection.getState().hovered) useSelection.getState().setHovered(row);
    };
    const leave = () => {
      if (useSelection.getState().hovered !== null) useSelection.getState().setHovered(null);
    };
    root.addEventListener('pointerover', over);
    root.addEventListener('pointerleave', leave);
    return () => {
      unsubscribe();
      root.removeEventListener('pointerover', over);
      root.removeEventListener('pointerleave', leave);
    };
  }, [ref]);
}
