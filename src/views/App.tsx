/** The page: corpus header, controls, encoder progress, metrics table. */
import { debugHandle } from '../debug.ts';
import { useEffect, useRef, useState } from 'react';
import { AnalysisSession } from '../state/session.ts';
import { useDemoCorpus, useModelCards } from '../state/queries.ts';
import { useStore } from '../state/store.ts';
import { useSelection } from '../state/selection.ts';
import type { UrlOptions } from '../state/url-options.ts';
import { Controls } from './Controls.tsx';
import { EncoderPanel } from './EncoderPanel.tsx';
import { ErrorList } from './ErrorList.tsx';
import { MetricsTable } from './MetricsTable.tsx';
import { Gallery } from './Gallery.tsx';
import { BadCaseQueue } from './BadCaseQueue.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { QueryDrop } from './QueryDrop.tsx';
import { UmapPanels } from './umap/UmapPanels.tsx';
import { ImportPanel } from './ImportPanel.tsx';
import { ComparePanel } from './compare/ComparePanel.tsx';
import { restoreWorkspace, useWorkspace } from '../state/workspace.ts';
import { clearCorpusState } from '../state/corpus-switch.ts';

export function App({ options }: { options: UrlOptions }) {
  const { workspace, restored } = useWorkspace();
  useEffect(() => void restoreWorkspace(), []);
  const demo = useDemoCorpus(options.subset, restored && !workspace);
  const models = useModelCards();
  // An imported workspace brings its own embeddings and encoders; with neither, the built-in encoders run on its images.
  const corpus = workspace ? { data: workspace.corpus, error: null, isLoading: false } : demo;
  const addError = useStore((s) => s.addError);
  const colorBy = useSelection((s) => s.colorBy);
  const setColorBy = useSelection((s) => s.setColorBy);
  const sessionRef = useRef<AnalysisSession | null>(null);
  const lastCorpus = useRef<string | null>(null);
  const [session, setSession] = useState<AnalysisSession | null>(null);

  useEffect(() => {
    if (!corpus.data || !models.data) return;
    models.data.errors.forEach(addError);
    const own = workspace && (workspace.variants.length > 0 || workspace.encoders.length > 0);
    const cards = own ? workspace.encoders.map((e) => e.card) : models.data.cards;
    // A different corpus than the last session's: drop rows, selection and queries that point into the old one.
    if (lastCorpus.current !== null && lastCorpus.current !== corpus.data.hash) clearCorpusState();
    lastCorpus.current = corpus.data.hash;
    const s = new AnalysisSession(corpus.data, cards, workspace ?? undefined);
    sessionRef.current = s;
    setSession(s);
    debugHandle.session = s;
    void s.start();
    return () => s.dispose();
  }, [corpus.data, models.data, addError, workspace]);

  const failure = corpus.error ?? models.error;
  return (
    <main>
      <header>
        <h1>Recall Lens</h1>
        <p className="muted" data-testid="corpus-info">
          {corpus.data
            ? `${corpus.data.name}: ${corpus.data.n.toLocaleString()} items · ${session?.facetNames.join(', ') ?? ''}`
            : corpus.isLoading || !restored
              ? 'loading…'
              : ''}
          {typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated && ' · not cross-origin isolated: WASM runs single-threaded'}
        </p>
      </header>
      {failure && (
        <p className="errors" role="alert" data-testid="load-error">
          {failure.message}
        </p>
      )}
      <ImportPanel />
      <ErrorList />
      <Controls onChange={() => sessionRef.current?.recompute()} items={session?.corpus.n} />
      {session && <QueryDrop session={session} />}
      <EncoderPanel onCancel={() => sessionRef.current?.cancel()} onResume={() => void sessionRef.current?.resume()} />
      {session && (
        <>
          <MetricsTable session={session} />
          <UmapPanels
            session={session}
            colorBy={colorBy === undefined ? (session.facetNames[0] ?? null) : colorBy}
            onColorByChange={setColorBy}
          />
          <Gallery session={session} />
          <BadCaseQueue session={session} />
          <ComparePanel session={session} />
          <ExportPanel session={session} />
        </>
      )}
    </main>
  );
}
