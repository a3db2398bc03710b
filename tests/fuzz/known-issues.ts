/**
 * Fuzz cases that still fail, each tied to a finding in tests/fuzz/FINDINGS.md. The suite counts
 * them as "known" (so it stays green while the importers are being fixed) and a separate it.fails
 * per finding goes red once all its cases pass, so the entry gets removed.
 * Case numbers are for the default master seed (DEFAULT_MASTER_SEED in generate.ts).
 */
import type { Importer } from './generate.ts';

export interface KnownIssue {
  finding: string;
  importer: Importer;
  title: string;
  /** Case indices (default master seed) that fail because of it. */
  cases: number[];
  /** Cases that fail in the browser (e2e/import-fuzz.spec.ts), when not the same as in Node. */
  browserCases?: number[];
}

export const KNOWN_ISSUES: KnownIssue[] = [];
