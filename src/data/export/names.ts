/** File names for exported variants: safe on every file system and in zip archives, and distinct. */

/** `pixels+w32` stays; spaces, slashes and other odd characters become `_`. */
export function safeFileName(name: string): string {
  const s = name
    .replace(/[^\w.+-]+/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, 120);
  return s === '' ? '_' : s;
}

/** safeFileName for each name, suffixed `-2`, `-3`, … where two would collide (case-insensitively). */
export function uniqueFileNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    const base = safeFileName(n);
    let s = base;
    for (let k = 2; seen.has(s.toLowerCase()); k++) s = `${base}-${k}`;
    seen.add(s.toLowerCase());
    return s;
  });
}
