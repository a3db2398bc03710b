import { describe, expect, it } from 'vitest';
import { neighboursToCsv } from '../src/data/neighbours-csv.ts';

describe('neighboursToCsv', () => {
  it('one line per variant and rank, with labels and same-as-seed flags', () => {
    const columns = { id: ['a', 'b', 'c'], title: ['apple, red', 'banana', 'cherry'], style: ['x', 'x', 'y'] };
    const csv = neighboursToCsv([{ variant: 'pixels', indices: [1, 2], distances: [0.5, 1.25] }], columns, { row: 0, name: 'a' }, [
      'style',
    ]);
    expect(csv).toBe(
      'query,variant,rank,row,id,title,distance,style,same_style\n' +
        'a,pixels,1,1,b,banana,0.5,x,1\n' +
        'a,pixels,2,2,c,cherry,1.25,y,0\n',
    );
  });
  it('leaves the flags empty for a query that is not a corpus row', () => {
    const csv = neighboursToCsv(
      [{ variant: 'v', indices: [0], distances: [2] }],
      { id: ['a'], title: ['t "q"'], s: ['x'] },
      { row: null, name: 'drop.png' },
      ['s'],
    );
    expect(csv.split('\n')[1]).toBe('drop.png,v,1,0,a,"t ""q""",2,x,');
  });
});
