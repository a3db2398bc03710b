/**
 * Fuzz cases that still fail, each tied to a finding in tests/fuzz/FINDINGS.md. The fuzz suites count
 * them as "known" (so they stay green while the importers are being fixed); the minimal reproducers
 * in tests/fuzz/known-issues.test.ts are `it.fails` and go red once a finding is fixed, so its entry
 * here gets removed. Case numbers are for the default master seed (DEFAULT_MASTER_SEED).
 */
import type { Importer } from './generate.ts';

export interface KnownIssue {
  finding: string;
  importer: Importer;
  title: string;
  /** Case indices (default master seed) that fail because of it. */
  cases: number[];
  /** Cases whose label matches fail because of it (for findings that do not fail every run). */
  labels?: RegExp;
  /** Only in the browser / only in Node (default both). */
  where?: 'node' | 'browser';
}

export const KNOWN_ISSUES: KnownIssue[] = [];

export function knownIssue(importer: Importer, index: number, label: string, where: 'node' | 'browser'): string | undefined {
  return KNOWN_ISSUES.find(
    (k) =>
      k.importer === importer &&
      (k.where === undefined || k.where === where) &&
      (k.cases.includes(index) || (k.labels?.test(label) ?? false)),
  )?.finding;
}
