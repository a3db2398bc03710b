/**
 * Item metadata → facets and identity, pure TypeScript for the app and the CLI.
 *
 * Rules (one table, one row per embedding row):
 * - a column named `identity` (any case) drives identity Recall@N and is not listed as a facet;
 * - every other column in which some non-empty value repeats is a facet (a categorical label);
 * - columns whose values are all distinct are skipped (ids), and so are columns named like ids or
 *   free text (`id`, `title`, `name`, `text`, `caption`, `description`, `keywords`, `path`, `file`,
 *   `url`, …) even when values repeat: a title repeated across styles of the same item would
 *   otherwise duplicate the identity column as a "facet".
 * Values are trimmed; an empty value is "no label" (that seed is left out of the facet's mean).
 */
import { encodeLabels, isFacet } from '../compute/labels.ts';
import type { LabelColumn } from '../compute/types.ts';
import { InputError } from './errors.ts';
import type { Table } from './table.ts';

export const IDENTITY_COLUMN = 'identity';

/** Column names (lower-cased) never used as facets. */
export const NON_FACET_COLUMNS: ReadonlySet<string> = new Set([
  'id',
  'uid',
  'uuid',
  'key',
  'index',
  'idx',
  'item',
  'item_id',
  'itemid',
  'title',
  'name',
  'text',
  'caption',
  'description',
  'keywords',
  'tags_text',
  'path',
  'image',
  'image_path',
  'file',
  'filename',
  'url',
]);

export interface Metadata {
  /** Rows (items). */
  n: number;
  facets: LabelColumn[];
  identity?: LabelColumn;
  /** Columns not used, with the reason. */
  ignored: { name: string; reason: string }[];
  /** Blank lines the table skipped (as TensorBoard does). */
  blankLines?: number;
}

/** Builds facets and the identity column from a metadata table. */
export function buildMetadata(table: Table): Metadata {
  const facets: LabelColumn[] = [];
  const ignored: Metadata['ignored'] = [];
  let identity: LabelColumn | undefined;
  table.names.forEach((name, j) => {
    const values = table.columns[j].map((v) => v.trim());
    const lower = name.toLowerCase();
    if (lower === IDENTITY_COLUMN && identity === undefined) {
      identity = encodeLabels(name, values);
    } else if (NON_FACET_COLUMNS.has(lower)) {
      ignored.push({ name, reason: 'id or free-text column' });
    } else if (isFacet(values)) {
      facets.push(encodeLabels(name, values));
    } else {
      ignored.push({ name, reason: 'no value repeats' });
    }
  });
  return { n: table.n, facets, identity, ignored, ...(table.blankLines ? { blankLines: table.blankLines } : {}) };
}

/** The metadata must describe exactly the embedding rows. */
export function checkRowCount(metaRows: number, metaFile: string, embRows: number, embFile: string): void {
  if (metaRows !== embRows) {
    throw new InputError(
      metaFile,
      `has ${metaRows} data row${metaRows === 1 ? '' : 's'} but ${embFile} has ${embRows} vector${embRows === 1 ? '' : 's'}; they must match row for row`,
    );
  }
}
