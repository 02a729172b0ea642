import { UsageError } from './cliError';

export { priceCachePath } from './doctorCommand';

const UNIT_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** An age like `30d`, `12h`, `2w`, `90m` in seconds; a usage error naming the flag otherwise. */
export function parseAge(value: string, flag: string): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : Number.NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag} takes an age like 30d, 12h, 2w or 90m (got "${value}").`);
  return seconds;
}
