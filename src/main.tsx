import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './views/App.tsx';
import { applyUrlOptions, readUrlOptions, syncUrl } from './state/url-sync.ts';
import { checkImport } from './state/workspace.ts';
import { initPersistence } from './state/persist.ts';
import './views/styles.css';
import { debugHandle } from './debug.ts';

const options = readUrlOptions(location.search);
applyUrlOptions(options);
initPersistence(location.search); // before syncUrl rewrites the URL: what the page was opened with wins
syncUrl(options);
const queryClient = new QueryClient();
// The browser fuzz test feeds generated files through the real import worker with this (a dry run).
debugHandle.import = { check: checkImport };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App options={options} />
    </QueryClientProvider>
  </StrictMode>,
);
