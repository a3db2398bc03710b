/** Legend of the colouring: the most frequent labels with their colour and count. */
import type { Colouring } from './palette.ts';

const SHOWN = 14;

export function Legend({ colouring }: { colouring: Colouring }) {
  const { legend } = colouring;
  if (legend.length === 0) return null;
  const rest = legend.length - SHOWN;
  return (
    <ul className="umap-legend" data-testid="umap-legend">
      {legend.slice(0, SHOWN).map((e) => (
        <li key={e.label} title={`${e.label}: ${e.count}`}>
          <span className="swatch" style={{ background: e.colour }} />
          {e.label}
          <span className="muted"> {e.count}</span>
        </li>
      ))}
      {rest > 0 && (
        <li
          className="muted"
          title={legend
            .slice(SHOWN)
            .map((e) => e.label)
            .join(', ')}
        >
          +{rest} more (colours repeat)
        </li>
      )}
    </ul>
  );
}
