/**
 * Sizes, durations and ages as people read them, in one place so that the tree, the CLI, the
 * notifications, the model card and its panel show the same job with the same numbers. Pure: no
 * DOM, no node, so the webview bundles it too.
 */

const IEC_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes in IEC units (powers of 1024, named as such): `512 B`, `1 KiB`, `3.2 MiB`, `130 MiB`, `1.5 GiB`.
 * One decimal below 10 of a unit (dropped when it is `.0`), whole units from 10 on.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0} B`;
  let value = bytes;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (unit < IEC_UNITS.length - 1 && roundedForDisplay(value) >= 1024);
  return `${numberText(roundedForDisplay(value))} ${IEC_UNITS[unit]}`;
}

function roundedForDisplay(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

function numberText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * A span of time: `42 s`, `5 min 12 s`, `5 min`, `1 h 02 min`, `24 h`. Seconds are left out from an
 * hour on (a training time or a max_run is read in hours and minutes); hours are not turned into days,
 * as SageMaker's limits (max_run up to 28 days) are written in hours or seconds.
 */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds)) : 0;
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${h} h`;
  return sec > 0 ? `${m} min ${sec} s` : `${m} min`;
}

/**
 * How long ago, rounded down to its largest unit: `42 s ago`, `5 min ago`, `3 h ago`, `1 day ago`,
 * `12 days ago`. A time in the future (a clock ahead of this machine's) reads `0 s ago`.
 */
export function formatAge(from: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
