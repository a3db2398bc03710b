/** Problems with inputs (a model that failed to load, a corrupt file), each dismissible; the app keeps going. */
import { useStore } from '../state/store.ts';

export function ErrorList() {
  const errors = useStore((s) => s.errors);
  const dismiss = useStore((s) => s.dismissError);
  if (errors.length === 0) return null;
  return (
    <ul className="errors" data-testid="errors" role="alert">
      {errors.map((message, i) => (
        <li key={message}>
          {message}
          <button aria-label="Dismiss" onClick={() => dismiss(i)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
