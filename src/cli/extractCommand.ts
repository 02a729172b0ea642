import * as path from 'path';
import { parseArgs } from './args';
import { ArchiveError, REFUSED_ARCHIVE_CODES } from '../artifacts/archiveError';
import { formatBytes } from '../core/format';
import { extractTarGzFile } from '../artifacts/extractArchive';
import type { ExtractProgress } from '../artifacts/extractArchive';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';

const USAGE = 'sagemaker-hf extract ARCHIVE --to DIR [--overwrite] [--record-hashes] [--max-bytes N] [--max-entries N]';

/**
 * `sagemaker-hf extract ARCHIVE --to DIR [--overwrite]`: unpacks a model.tar.gz safely.
 * 0 when extracted, 1 when the archive was refused (hostile, corrupt, over a limit), 2 on usage or
 * I/O errors (including a non-empty DIR without --overwrite), 130 when interrupted (Ctrl-C): the
 * working folder is removed and DIR left as it was. Progress goes to stderr. `--record-hashes` keeps
 * each file's sha256, computed as it streams out of the archive, in DIR/.cache/sagemaker-hf/sha256.json
 * (as Download Model does), so that a later `push` need not read the files once more to hash them.
 */
export async function extractCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      'record-hashes': { type: 'boolean', default: false },
      'max-bytes': { type: 'string' },
      'max-entries': { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`extract needs exactly one archive: ${USAGE}`);
  if (!values.to) throw new UsageError(`extract needs --to DIR: ${USAGE}`);
  const archive = path.resolve(io.cwd, positionals[0] ?? '');
  const target = path.resolve(io.cwd, values.to);
  const maxBytes = parseLimit(values['max-bytes'], '--max-bytes', true);
  const maxEntries = parseLimit(values['max-entries'], '--max-entries', false);

  let lastShown = 0;
  const onProgress = values.quiet
    ? undefined
    : (p: ExtractProgress) => {
        // One line per 64 MiB keeps a log readable for multi-GB checkpoints; an archive under 64 MiB gets
        // only the closing line (a first line would report the first inflated chunk, not progress).
        const step = Math.floor(p.bytesOut / (64 * 1024 * 1024));
        if (step === lastShown) return;
        lastShown = step;
        io.stderr(`  ${formatBytes(p.bytesOut)} unpacked, ${p.entries} ${p.entries === 1 ? 'entry' : 'entries'}${p.entry ? `: ${p.entry}` : ''}\n`);
      };
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await extractTarGzFile(archive, target, {
      overwrite: values.overwrite,
      recordHashes: values['record-hashes'],
      signal: controller.signal,
      ...(maxBytes !== undefined ? { maxBytes } : {}),
      ...(maxEntries !== undefined ? { maxEntries } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    io.stderr(
      `Extracted ${result.files} file${result.files === 1 ? '' : 's'} (${formatBytes(result.bytesOut)} unpacked from ${formatBytes(result.bytesIn)}) into ${result.targetDir}\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    if (err.code === 'aborted' && controller.signal.aborted) {
      io.stderr(`sagemaker-hf extract: interrupted; nothing was written to ${target}.\n`);
      return 130;
    }
    const refused = REFUSED_ARCHIVE_CODES.has(err.code);
    io.stderr(`sagemaker-hf extract: ${refused ? 'refused: ' : ''}${err.message} [${err.code}]\n`);
    if (err.code === 'target-exists' && !values.overwrite) io.stderr('  (pass --overwrite to replace its contents once the extraction has succeeded)\n');
    return refused ? 1 : 2;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

/** Accepts plain integers and binary suffixes (`512M`, `80G`) for --max-bytes. */
function parseLimit(text: string | undefined, flag: string, sizes: boolean): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)([KMGT]i?B?)?$/i.exec(text.trim());
  if (!m || (!sizes && m[2])) throw new UsageError(`${flag} takes a whole number${sizes ? ' with an optional K, M, G or T suffix' : ''}, not '${text}'`);
  const power = m[2] ? 'KMGT'.indexOf(m[2][0]!.toUpperCase()) + 1 : 0;
  const value = Number(m[1]) * 1024 ** power;
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`${flag} must be a positive number, not '${text}'`);
  return value;
}
