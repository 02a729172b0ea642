/**
 * `container_log_level`, one owner for the request builder and the local backend. The SDK takes a
 * Python `logging` level (`logging.WARNING`, i.e. 30) and sends `json.dumps` of it as
 * `sagemaker_container_log_level`; the training toolkit compares that number with `logging.INFO`
 * and crashes at start-up on a string. A job file may name the level (`WARNING`): it stands for the
 * `logging` constant of that name, so it travels as its number, exactly as `logging.WARNING` would.
 */

/** The level names a job file may use (the schema's enum) and their Python `logging` numbers. */
export const LOG_LEVELS: Readonly<Record<string, number>> = Object.freeze({ DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 });

/** The SDK's default (`logging.INFO`). */
export const DEFAULT_CONTAINER_LOG_LEVEL = LOG_LEVELS.INFO!;

/**
 * The number the SDK sends for a job file's `container_log_level`: a number as is, a level name
 * as its `logging` constant, absent as INFO. Undefined for a name `logging` does not have
 * (the schema refuses it before a plan is made).
 */
export function containerLogLevel(value: number | string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_CONTAINER_LOG_LEVEL;
  if (typeof value === 'number') return value;
  return Object.prototype.hasOwnProperty.call(LOG_LEVELS, value) ? LOG_LEVELS[value] : undefined;
}
