/**
 * A plain mapping read from JSON, YAML or a webview message: an object that is not null, not an
 * array and not a Date (YAML 1.1 reads `2024-01-01` as one). The one guard every reader of untyped
 * data uses before looking at a key.
 */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
