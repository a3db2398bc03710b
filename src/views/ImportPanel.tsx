/**
 * Bring your own data: drop files or folders here, or pick them. Shows the progress, what each file
 * was read as, the ids that did not join, and every problem when an import is refused.
 */
import { useRef, useState, type DragEvent } from 'react';
import { backToDemo, importSources, switchDataset, useWorkspace } from '../state/workspace.ts';
import type { ImportSource } from '../workers/import/import.worker.ts';
import { sourcesFromDrop, sourcesFromFileList, workspaceName } from './import-files.ts';

export function ImportPanel() {
  const { workspace, state, progress, errors, report, notice } = useWorkspace();
  const [over, setOver] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const busy = state === 'reading' || state === 'restoring';

  const start = (sources: ImportSource[]) => {
    if (!busy && sources.length > 0) void importSources(sources, workspaceName(sources));
  };
  const onDrop = (e: DragEvent) => {
    // Handled here, so the page-wide query drop leaves it alone.
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    void sourcesFromDrop(e.dataTransfer).then(start);
  };

  return (
    <section className="import-panel" data-testid="import-panel">
      <div
        className={`import-drop${over ? ' over' : ''}`}
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <strong>Your data:</strong> drop a folder or files here (images + manifest CSV/TSV/JSON, embeddings .npy / .npz / .safetensors /
        Parquet (or a folder of parts) / Arrow / CSV / JSONL, a TF Projector bundle, ONNX encoders), or{' '}
        <button disabled={busy} onClick={() => files.current?.click()}>
          pick files…
        </button>{' '}
        <button disabled={busy} onClick={() => folder.current?.click()}>
          pick a folder…
        </button>
        {workspace && (
          <>
            {' '}
            <button data-testid="import-reset" disabled={busy} onClick={() => void backToDemo()}>
              back to the demo
            </button>
          </>
        )}
        <input ref={files} type="file" multiple hidden data-testid="import-files" onChange={(e) => pick(e.currentTarget, start)} />
        <input
          ref={folder}
          type="file"
          multiple
          hidden
          data-testid="import-folder"
          {...{ webkitdirectory: '' }}
          onChange={(e) => pick(e.currentTarget, start)}
        />
      </div>
      <p className="muted" data-testid="import-status" data-state={state}>
        {statusText(state, progress, workspace?.corpus.name, errors.length)}
      </p>
      {report?.datasets && report.datasets.length > 1 && workspace && <DatasetPicker report={report} busy={busy} />}
      {notice && <p className="warning">{notice}</p>}
      {errors.length > 0 && (
        <ul className="errors" data-testid="import-errors" role="alert">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {report && state === 'done' && <ImportReportView report={report} />}
    </section>
  );
}

/** A projector config with several datasets: which one is shown (like the projector's tensor menu). */
function DatasetPicker({ report, busy }: { report: NonNullable<ReturnType<typeof useWorkspace.getState>['report']>; busy: boolean }) {
  return (
    <p className="import-dataset">
      <label>
        Dataset{' '}
        <select
          data-testid="import-dataset"
          disabled={busy}
          value={report.dataset}
          onChange={(e) => void switchDataset(e.currentTarget.value)}
        >
          {report.datasets!.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name} ({d.rows !== undefined ? `${d.rows.toLocaleString()} items, ` : ''}
              {d.tensors.length === 1 ? '1 tensor' : `${d.tensors.length} tensors`})
            </option>
          ))}
        </select>
      </label>
    </p>
  );
}

function pick(input: HTMLInputElement, start: (s: ImportSource[]) => void) {
  if (input.files?.length) start(sourcesFromFileList(input.files));
  input.value = '';
}

function statusText(
  state: string,
  progress: { done: number; total: number; label: string } | null,
  name: string | undefined,
  problems: number,
): string {
  switch (state) {
    case 'restoring':
      return 'Restoring your last imported workspace…';
    case 'reading':
      return progress
        ? `Importing: ${progress.label} (${progress.done.toLocaleString()} / ${progress.total.toLocaleString()})`
        : 'Importing…';
    case 'error':
      return `Import refused: ${problems === 1 ? '1 problem' : `${problems} problems`}. Nothing was imported; the current data is unchanged.`;
    case 'done':
      return `Using your data: ${name ?? ''}`;
    default:
      return 'Showing the built-in demo.';
  }
}

function ImportReportView({ report }: { report: NonNullable<ReturnType<typeof useWorkspace.getState>['report']> }) {
  return (
    <details className="import-report" data-testid="import-report" open={report.unmatched.length > 0 || report.warnings.length > 0}>
      <summary>
        {report.items.toLocaleString()} items from {report.files.length} files
        {report.unmatched.length > 0 && ` · ${report.unmatched.reduce((a, u) => a + u.count, 0).toLocaleString()} ids did not join`}
      </summary>
      <table>
        <tbody>
          {report.files.map((f) => (
            <tr key={f.path}>
              <td>{f.path}</td>
              <td>{f.kind}</td>
              <td>{f.rows !== undefined ? `${f.rows.toLocaleString()}${f.dim !== undefined ? ` × ${f.dim}` : ''}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.unmatched.length > 0 && (
        <ul data-testid="import-unmatched">
          {report.unmatched.map((u) => (
            <li key={u.file} data-file={u.file} data-count={u.count}>
              {u.file}: {u.count.toLocaleString()} ids not in every file, e.g. {u.examples.map((x) => `"${x}"`).join(', ')}
            </li>
          ))}
        </ul>
      )}
      {report.warnings.map((w, i) => (
        <p key={i} className="warning">
          {w}
        </p>
      ))}
    </details>
  );
}
