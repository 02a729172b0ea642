// sourcedir.tar.gz as the product wrote it with node-tar before its own tar writer: the reference the
// unit tests compare the new archive with byte for byte, and the "before" row of bench/sourceArchive.ts.
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Pack } from 'tar';
import { SOURCE_ARCHIVE_MTIME } from '../../src/aws/staging/sourceArchive';
import type { ArchiveEntry } from '../../src/aws/staging/sourceArchive';

/** A file is stored in full each time it appears (the product never writes hard-link entries). */
class NoHardLinks extends Map<`${number}:${number}`, string> {
  override set(): this {
    return this;
  }
}

/**
 * node-tar's Pack in portable mode, gzip inside it (synchronous, on the calling thread), one file in
 * flight so that entries keep the listing's order, each named by its position in the listing.
 */
export function nodeTarSourceArchive(entries: readonly ArchiveEntry[]): Readable {
  const root = path.parse(entries[0]?.absolutePath ?? process.cwd()).root;
  let next = 0;
  const pack = new Pack({
    gzip: true,
    portable: true,
    follow: true,
    noDirRecurse: true,
    mtime: SOURCE_ARCHIVE_MTIME,
    cwd: root,
    jobs: 1,
    linkCache: new NoHardLinks(),
    onWriteEntry: (entry) => {
      const expected = entries[next]!;
      next += 1;
      entry.path = expected.kind === 'directory' ? `${expected.name}/` : expected.name;
      entry.noMtime = false;
    },
  });
  for (const e of entries) pack.add(path.relative(root, e.absolutePath));
  pack.end();
  return pack as unknown as Readable;
}
