/** Query by example: drop images anywhere, paste from the clipboard, or pick files. */
import { useEffect, useRef, useState } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import { runImageQueries, runTextQuery } from '../state/query-runner.ts';
import { useQueries } from '../state/query.ts';

export function QueryDrop({ session }: { session: AnalysisSession }) {
  const [over, setOver] = useState(false);
  const [text, setText] = useState('');
  const hasText = session.cards.some((c) => c.modality === 'text');
  const input = useRef<HTMLInputElement>(null);
  const items = useQueries((s) => s.items);
  const active = useQueries((s) => s.active);
  const activate = useQueries((s) => s.activate);

  useEffect(() => {
    const run = (files: FileList | null | undefined) => {
      if (files && files.length > 0) void runImageQueries(session, Array.from(files));
    };
    // A drop on the import panel is an import, not a query: it calls preventDefault first.
    const onDragOver = (e: DragEvent) => {
      if (e.defaultPrevented || !e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setOver(true);
    };
    const onDragLeave = (e: DragEvent) => e.relatedTarget === null && setOver(false);
    const onDrop = (e: DragEvent) => {
      if (e.defaultPrevented || !e.dataTransfer?.files.length) return;
      e.preventDefault();
      setOver(false);
      run(e.dataTransfer.files);
    };
    const onPaste = (e: ClipboardEvent) => run(e.clipboardData?.files);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, [session]);

  return (
    <section className={`query-drop${over ? ' over' : ''}`} data-testid="query-drop">
      <span>Drop images anywhere, paste, or </span>
      <button onClick={() => input.current?.click()}>pick files…</button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        multiple
        hidden
        data-testid="query-file-input"
        onChange={(e) => {
          if (e.target.files?.length) void runImageQueries(session, Array.from(e.target.files));
          e.target.value = '';
        }}
      />
      {hasText && (
        <form
          className="text-query"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) void runTextQuery(session, text.trim());
          }}
        >
          <input data-testid="text-query" placeholder="…or describe it in words" value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">Search</button>
        </form>
      )}
      {items.length > 0 && (
        <span className="query-list">
          {items.map((q) => (
            <button
              key={q.id}
              className={q.id === active ? 'chip active' : 'chip'}
              data-testid="query-chip"
              data-status={q.status}
              onClick={() => activate(q.id === active ? null : q.id)}
            >
              {q.name}
            </button>
          ))}
        </span>
      )}
    </section>
  );
}
