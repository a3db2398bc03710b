/** react-query hooks for what the app loads once: the demo corpus and the model cards. */
import { useQuery } from '@tanstack/react-query';
import { sampleSeeds } from '../compute/sampling.ts';
import { subsetCorpus } from '../data/subset.ts';
import { readAhead } from './embedding-cache.ts';
import { loadDemoCorpus, loadModelCards } from './sources.ts';

export function useDemoCorpus(subset: number | null, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['corpus', 'demo', subset],
    queryFn: async () => {
      // While the images load, the cache reads what the last session of this corpus read (a subset
      // has a hash of its own, known only once the images are in).
      const corpus = await loadDemoCorpus(subset ? undefined : (hash) => void readAhead(hash));
      return subset && subset < corpus.n ? subsetCorpus(corpus, sampleSeeds(corpus.n, subset, 0)) : corpus;
    },
    staleTime: Infinity,
    retry: false,
  });
}

export function useModelCards() {
  return useQuery({ queryKey: ['models'], queryFn: loadModelCards, staleTime: Infinity, retry: false });
}
