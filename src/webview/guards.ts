// The guards the webview protocols are built from (dashboardProtocol.ts, compareProtocol.ts): each checks
// one value that crossed the boundary, as JSON gives it. No 'vscode', no DOM: both sides import them.

import { isRecord } from '../core/isRecord';

export type Guard<T> = (v: unknown) => v is T;

/** The longest text a message field may carry. */
export const MAX_TEXT = 100_000;
export const isString: Guard<string> = (v): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
export const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
export const isNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
export const isNullable =
  <T>(g: Guard<T>): Guard<T | null> =>
  (v): v is T | null =>
    v === null || g(v);
export const optional =
  <T>(g: Guard<T>): Guard<T | undefined> =>
  (v): v is T | undefined =>
    v === undefined || g(v);
export const isArrayOf =
  <T>(g: Guard<T>): Guard<T[]> =>
  (v): v is T[] =>
    Array.isArray(v) && v.every(g);
export const oneOf =
  <T extends string>(values: readonly T[]): Guard<T> =>
  (v): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);
export function isShape<T>(fields: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  return (v): v is T => isRecord(v) && Object.entries(fields).every(([k, guard]) => (guard as Guard<unknown>)(v[k]));
}
/** A message type the table has a guard for (its own key, not an inherited one such as `toString`). */
export function hasGuard<M extends string>(table: Record<M, unknown>, type: unknown): type is M {
  return typeof type === 'string' && Object.hasOwn(table, type);
}
