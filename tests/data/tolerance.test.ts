/**
 * Issue 12, tolerance: blank metadata lines are skipped as TensorBoard's projector skips them (and
 * counted), a UTF-8 BOM and CRLF line ends are read, a final newline is optional — through the
 * app's import (importFiles) and the CLI's metadata reader alike (both use src/data/table.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildMetadata } from '../../src/data/metadata.ts';
import { parseTable } from '../../src/data/table.ts';
import { problems, run } from './import/helpers.ts';

const CONFIG = JSON.stringify({ embeddings: [{ tensorName: 'v', tensorPath: 'v.tsv', metadataPath: 'meta.tsv' }] });
const VECTORS = '1\t0\n0\t1\n1\t1\n';

describe('metadata tolerance', () => {
  const variants: [string, string][] = [
    ['trailing blank line', 'label\tidentity\na\tx\nb\tx\na\ty\n\n'],
    ['blank line inside', 'label\tidentity\na\tx\n\nb\tx\na\ty\n'],
    ['BOM + CRLF', '\ufefflabel\tidentity\r\na\tx\r\nb\tx\r\na\ty\r\n'],
    ['no final newline', 'label\tidentity\na\tx\nb\tx\na\ty'],
    ['CRLF + blank CRLF lines', 'label\tidentity\r\na\tx\r\nb\tx\r\n\r\na\ty\r\n\r\n'],
  ];
  it.each(variants)('%s: the app imports the bundle', async (_, meta) => {
    const ws = await run({ 'p/projector_config.json': CONFIG, 'p/v.tsv': VECTORS, 'p/meta.tsv': meta });
    expect(ws.corpus.n).toBe(3);
    expect(ws.corpus.columns.label).toEqual(['a', 'b', 'a']);
    expect(ws.corpus.columns.identity).toEqual(['x', 'x', 'y']);
    const blank = (meta.match(/\n[ \t\r]*(?=\n)/g) ?? []).length;
    const file = ws.report.files.find((f) => f.path === 'p/projector_config.json');
    expect(file?.blankLines ?? 0).toBe(blank);
    if (blank) expect(ws.report.warnings.join('\n')).toContain(`p/meta.tsv: ${blank} blank line`);
  });
  it.each(variants)('%s: the CLI metadata reader reads the same rows', (_, meta) => {
    const m = buildMetadata(parseTable(meta, 'meta.tsv'));
    expect(m.n).toBe(3);
    expect(m.identity?.codes.length).toBe(3);
  });
  it('a single-column (headerless) label file skips blank lines too', () => {
    const t = parseTable('a\nb\n\na\n\n', 'labels.tsv');
    expect(t.columns[0]).toEqual(['a', 'b', 'a']);
    expect(t.blankLines).toBe(2);
  });
  it('refuses what TensorBoard refuses: a row with the wrong number of fields, naming its line', async () => {
    const msgs = await problems({ 'p/projector_config.json': CONFIG, 'p/v.tsv': VECTORS, 'p/meta.tsv': 'label\tidentity\na\tx\n\nb\n' });
    expect(msgs.join('\n')).toContain('p/meta.tsv (line 4): row has 1 field, expected 2');
  });
  it('CSV manifests skip blank lines (pandas read_csv does)', async () => {
    const ws = await run({ 'm.csv': 'id,label\r\n1,a\r\n\r\n2,b\r\n3,a', 'e.csv': 'id,x,y\n1,0,1\n2,1,0\n3,1,1\n' });
    expect(ws.corpus.columns.label).toEqual(['a', 'b', 'a']);
  });
});
