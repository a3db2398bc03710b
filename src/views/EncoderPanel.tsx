/** Per encoder: which backend ran, progress, throughput (items/s), and a cancel button. */
import { useStore } from '../state/store.ts';

export function EncoderPanel({ onCancel, onResume }: { onCancel: () => void; onResume: () => void }) {
  const encoders = useStore((s) => s.encoders);
  const list = Object.values(encoders);
  const busy = list.some((e) => e.state === 'encoding' || e.state === 'loading' || e.state === 'queued');
  return (
    <section className="panel" data-testid="encoders">
      <div className="panel-head">
        <h2>Encoders</h2>
        {list.some((e) => e.state === 'cancelled') && !busy ? (
          <button data-testid="resume-encoding" onClick={onResume}>
            Resume
          </button>
        ) : (
          <button data-testid="cancel-encoding" onClick={onCancel} disabled={!busy}>
            Cancel
          </button>
        )}
      </div>
      <ul className="encoders">
        {list.map((e) => (
          <li
            key={e.id}
            data-testid="encoder-status"
            data-encoder={e.id}
            data-state={e.state}
            data-backend={e.backend ?? ''}
            data-backend-reason={e.backendReason ?? ''}
            data-items-per-second={e.itemsPerSecond ?? ''}
          >
            <span className="name">{e.name}</span>
            <progress value={e.done} max={e.total || 1} />
            <span className="state">
              {e.state === 'cached' && 'cached (IndexedDB)'}
              {e.state === 'done' && (
                <span title={e.backendReason}>
                  {e.backend} · {e.itemsPerSecond?.toFixed(0)} items/s
                  {e.backendReason && <span className="muted"> · {e.backendReason}</span>}
                </span>
              )}
              {e.state === 'encoding' && `${e.done}/${e.total}`}
              {(e.state === 'queued' || e.state === 'loading' || e.state === 'cancelled') && e.state}
              {e.state === 'error' && <span className="error">{e.error}</span>}
            </span>
            {e.notice && (
              <span className="notice" data-testid="encoder-notice" role="status">
                {e.notice}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
