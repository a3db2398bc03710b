import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './views/App.tsx';
import { readUrlOptions } from './state/url-options.ts';
import { useStore } from './state/store.ts';
import './views/styles.css';

const options = readUrlOptions(location.search);
useStore.getState().setSettings({ ...options.settings, backend: options.backend });
const queryClient = new QueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App options={options} />
    </QueryClientProvider>
  </StrictMode>,
);
