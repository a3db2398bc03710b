import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './views/App.tsx';
import { applyUrlOptions, readUrlOptions, syncUrl } from './state/url-sync.ts';
import './views/styles.css';

const options = readUrlOptions(location.search);
applyUrlOptions(options);
syncUrl(options);
const queryClient = new QueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App options={options} />
    </QueryClientProvider>
  </StrictMode>,
);
