/**
 * `util.parseArgs` with the CLI's manners: `--help`/`-h` anywhere before `--` asks for the command's
 * help (HelpRequested, which runCli prints), and an unknown option becomes a UsageError that names
 * the closest known one ("did you mean --region?") instead of Node's own message, whose advice about
 * `--` ends in an unbalanced quote.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { closestMatch } from '../core/jobFile/didYouMean';
import { UsageError } from './cliError';

/** `--help` or `-h` was given: runCli prints the command's usage and its options, and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly options: readonly string[]) {
    super('help requested');
  }
}

/** `--name VALUE` / `--flag` (and `-x`) for each option of the config, as the help lists them. */
export function optionNames(config: ParseArgsConfig): string[] {
  return Object.entries(config.options ?? {}).map(
    ([name, o]) => `--${name}${o.type === 'string' ? ' VALUE' : ''}${o.short ? `, -${o.short}` : ''}${o.multiple ? ' (repeatable)' : ''}`,
  );
}

export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  const args = config.args ?? [];
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) throw new HelpRequested(optionNames(config));
  try {
    return nodeParseArgs(config);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /^Unknown option '([^']+)'/.exec(message)?.[1] ?? '';
      const known = Object.keys(config.options ?? {});
      const guess = option.startsWith('--') ? closestMatch(option.slice(2).split('=')[0] ?? '', known) : undefined;
      throw new UsageError(`unknown option ${option}${guess ? `; did you mean --${guess}?` : '.'} --help lists the options. (A value that starts with - goes after --.)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(`${message.replace(/\.?$/, '.')} --help lists the options.`);
    throw err;
  }
}
