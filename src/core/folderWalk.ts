/**
 * What every walk over a user's folder (the source archive, a local run's code copy, a Hub push)
 * says when the folder cannot be read or goes on too deep, so the three say it the same way.
 */

/**
 * Folders deeper than this below the walked root are refused. Real projects stay far below it
 * (Linux's 4096-byte path limit already stops a tree of two-letter names near 1,300 levels; the
 * SageMaker SDK's recursive `tarfile.add` hits Python's recursion limit near 1,000); a tree deeper
 * than this is generated or a mistake, and walking it all costs minutes.
 */
export const MAX_FOLDER_DEPTH = 256;

/** A long path cut in the middle, so a message stays readable. */
export function shortenPath(p: string, max = 160): string {
  if (p.length <= max) return p;
  const keep = Math.floor((max - 1) / 2);
  return `${p.slice(0, keep)}…${p.slice(p.length - keep)}`;
}

/** The file system's words for an errno code, for messages that name the path themselves. */
export function fsFailureWords(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'the path is longer than the system allows';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'an input/output error';
    case 'ENOENT':
      return 'it disappeared while being read';
    case 'ENOTDIR':
      return 'it is not a folder';
    default:
      return code ? `error ${code}` : 'an unknown error';
  }
}

/** `Cannot read the folder X (permission denied, EACCES)`: the start of an unreadable-folder message. */
export function unreadableText(kind: 'folder' | 'file' | 'path', p: string, code: string | undefined): string {
  return `Cannot read the ${kind} ${shortenPath(p)} (${fsFailureWords(code)}${code ? `, ${code}` : ''})`;
}

/** `X is more than 256 folders below Y`: the start of a too-deep message. */
export function tooDeepText(p: string, root: string): string {
  return `${shortenPath(p)} is more than ${MAX_FOLDER_DEPTH} folders below ${shortenPath(root)}`;
}
