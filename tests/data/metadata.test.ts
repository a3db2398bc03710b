import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { buildMetadata, checkRowCount } from '../../src/data/metadata.ts';
import { parseTable } from '../../src/data/table.ts';

describe('buildMetadata', () => {
  it('facets = columns with repeated values; identity separate; id/title ignored', () => {
    const t = parseTable(
      'id\tidentity\tstyle\ttitle\tunique\tcategory\n1\tA\tx\tcat\tu1\tanimal\n2\tA\ty\tcat\tu2\t\n3\tB\tx\tdog\tu3\tanimal\n',
      'm.tsv',
    );
    const m = buildMetadata(t);
    expect(m.n).toBe(3);
    expect(m.facets.map((f) => f.name)).toEqual(['style', 'category']);
    const style = m.facets[0];
    expect(style.values[style.codes[0]]).toBe('x');
    expect(style.codes[0]).toBe(style.codes[2]);
    expect(m.facets[1].codes[1]).toBe(-1); // empty → no label
    expect(m.identity?.name).toBe('identity');
    expect(m.identity!.codes[0]).toBe(m.identity!.codes[1]);
    expect(m.ignored).toEqual([
      { name: 'id', reason: 'id or free-text column' },
      { name: 'title', reason: 'id or free-text column' },
      { name: 'unique', reason: 'no value repeats' },
    ]);
  });

  it('a single-column (header-less) file is a facet named label', () => {
    const m = buildMetadata(parseTable('cat\ndog\ncat\n', 'l.tsv'));
    expect(m.facets.map((f) => f.name)).toEqual(['label']);
    expect(m.n).toBe(3);
  });

  it('values are trimmed', () => {
    const m = buildMetadata(parseTable('a,b\n x ,1\nx,2\n', 't.csv'));
    expect(m.facets[0].codes[0]).toBe(m.facets[0].codes[1]);
  });
});

describe('checkRowCount', () => {
  it('names both files and counts', () => {
    expect(() => checkRowCount(5, 'meta.tsv', 6, 'emb.npy')).toThrow(InputError);
    expect(() => checkRowCount(5, 'meta.tsv', 6, 'emb.npy')).toThrow(
      'meta.tsv: has 5 data rows but emb.npy has 6 vectors; they must match row for row',
    );
    expect(() => checkRowCount(6, 'meta.tsv', 6, 'emb.npy')).not.toThrow();
  });
});
