/**
 * Why an archive was refused or could not be extracted.
 *
 * - `path-traversal`: an entry path is absolute or has a `..` segment.
 * - `link-escape`: a symbolic or hard link points outside the extraction folder (or at something
 *   other than a regular file extracted earlier, for hard links), or an entry would be written
 *   through a symbolic link the archive created.
 * - `special-file`: a device, FIFO or an entry type this extractor does not write (e.g. GNU sparse).
 * - `conflict`: an entry appears twice with different kinds (a directory replaced by a link, a file
 *   replaced by a directory, …); only a regular file may replace a regular file.
 * - `too-large`: the uncompressed stream (or the entry sizes it announces) exceeds `maxBytes`.
 * - `too-many-entries`: more entries than `maxEntries`.
 * - `corrupt`: not gzip, truncated, bad tar checksums, an empty archive.
 * - `target-exists`: the target folder exists, is not empty, and `overwrite` was not given.
 * - `io`: reading the source or writing the disk failed (disk full, permissions).
 * - `aborted`: the caller's AbortSignal fired.
 */
export type ArchiveErrorCode = 'path-traversal' | 'link-escape' | 'special-file' | 'conflict' | 'too-large' | 'too-many-entries' | 'corrupt' | 'target-exists' | 'io' | 'aborted';

/** Codes that mean the archive itself is hostile or unusable, as opposed to a local problem. */
export const REFUSED_ARCHIVE_CODES: ReadonlySet<ArchiveErrorCode> = new Set<ArchiveErrorCode>([
  'path-traversal',
  'link-escape',
  'special-file',
  'conflict',
  'too-large',
  'too-many-entries',
  'corrupt',
]);

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';

  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    /** The entry path as the archive spells it, when one entry is to blame. */
    readonly entry?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An entry path for a message: quoted, with control characters escaped, so a hostile name cannot
 * move the cursor or forge lines in a terminal or a log.
 */
export function quoteEntry(path: string): string {
  const shown = path.length > 300 ? `${path.slice(0, 300)}…` : path;
  return JSON.stringify(shown).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
