/**
 * The tar stream of sourcedir.tar.gz, written with synchronous reads into large blocks: the way GNU
 * tar reads (open, read, close, one file after the other), which is what makes packing ten thousand
 * small files fast; the asynchronous round trip per file through the thread pool was the cost
 * (docs/PERFORMANCE.md, "Source archive"). Runs in the archive's worker thread
 * (sourceArchiveWorker.ts), or on the caller's thread for a tree small enough not to need one.
 *
 * The format is POSIX ustar with a pax extended header where a name does not fit (longer than
 * ustar's 100 + 155 bytes, or not ASCII) or a number overflows its field, in the conventions of
 * node-tar's portable mode, which wrote this archive before: `000644 \0` octal fields, no owner,
 * group or their names, device numbers 0, the mode's write bits for group and others dropped,
 * `PaxHeader/<base name>` naming the pax record, two zero blocks at the end. An unchanged tree
 * therefore gives the bytes it gave then (test/unit/sourceArchive.test.ts compares the two). GNU
 * tar, Python's tarfile (what SageMaker's training toolkit extracts it with) and node-tar read it.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/** What the writer needs of an archive entry (the listing's `ArchiveEntry` has more). */
export interface TarEntrySource {
  name: string;
  absolutePath: string;
  kind: 'file' | 'directory';
}

/**
 * Receives the stream in blocks. `block` is handed over (the writer never touches it again), so a
 * worker can transfer its memory; `length` bytes of it are the stream, the rest is unused.
 */
export type TarBlockSink = (block: Buffer, length: number) => void;

/** Bytes per block handed to the sink: large enough that per-block costs vanish, small enough to bound memory. */
export const TAR_BLOCK_BYTES = 1024 * 1024;

const RECORD = 512;

/** Writes `entries` in order, then the end-of-archive marker. Throws the first file system error. */
export function writeTar(entries: readonly TarEntrySource[], mtimeSeconds: number, sink: TarBlockSink): void {
  const out = new BlockWriter(sink);
  for (const entry of entries) {
    if (entry.kind === 'directory') {
      const stat = statSync(entry.absolutePath);
      out.copy(entryHeader({ path: `${entry.name}/`, mode: portableMode(stat.mode, true), size: 0, mtimeSeconds, type: '5' }));
    } else {
      writeFile(out, entry, mtimeSeconds);
    }
  }
  out.zeros(2 * RECORD);
  out.finish();
}

function writeFile(out: BlockWriter, entry: TarEntrySource, mtimeSeconds: number): void {
  let fd: number;
  try {
    // Non-blocking: a file replaced by a FIFO since the listing must fail below, not hang here.
    fd = openSync(entry.absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    // An empty file needs no reading, so an unreadable one is no reason to fail.
    const stat = (err as NodeJS.ErrnoException).code === 'EACCES' ? statSync(entry.absolutePath) : undefined;
    if (!stat?.isFile() || stat.size !== 0) throw err;
    out.copy(entryHeader({ path: entry.name, mode: portableMode(stat.mode, false), size: 0, mtimeSeconds, type: '0' }));
    return;
  }
  try {
    // The header must carry the size of the bytes that follow, so it comes from the open file, not
    // from the listing: a file edited in between is archived as it is now, never with a wrong size.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fileChanged(entry.absolutePath, 'is no longer a file');
    out.copy(entryHeader({ path: entry.name, mode: portableMode(stat.mode, false), size: stat.size, mtimeSeconds, type: '0' }));
    out.readFrom(fd, stat.size, entry.absolutePath);
    out.zeros((RECORD - (stat.size % RECORD)) % RECORD);
  } finally {
    closeSync(fd);
  }
}

/** An error shaped like the file system's own (code, syscall, path), as callers already report those. */
function fileChanged(file: string, what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${file} ${what} while the source archive was being written`), { code: 'EOF', syscall: 'read', path: file });
}

class BlockWriter {
  private block = Buffer.allocUnsafeSlow(TAR_BLOCK_BYTES);
  private used = 0;

  constructor(private readonly sink: TarBlockSink) {}

  copy(bytes: Buffer): void {
    let from = 0;
    while (from < bytes.length) {
      const n = bytes.copy(this.block, this.used, from);
      from += n;
      this.advance(n);
    }
  }

  zeros(count: number): void {
    let left = count;
    while (left > 0) {
      const n = Math.min(left, TAR_BLOCK_BYTES - this.used);
      this.block.fill(0, this.used, this.used + n);
      left -= n;
      this.advance(n);
    }
  }

  /** Reads exactly `size` bytes of `fd` straight into the blocks (no intermediate buffer). */
  readFrom(fd: number, size: number, file: string): void {
    let left = size;
    while (left > 0) {
      const n = readSync(fd, this.block, this.used, Math.min(left, TAR_BLOCK_BYTES - this.used), null);
      if (n === 0) throw fileChanged(file, 'shrank');
      left -= n;
      this.advance(n);
    }
  }

  finish(): void {
    if (this.used > 0) this.sink(this.block, this.used);
    this.used = 0;
  }

  private advance(n: number): void {
    this.used += n;
    if (this.used === TAR_BLOCK_BYTES) {
      this.sink(this.block, this.used);
      this.block = Buffer.allocUnsafeSlow(TAR_BLOCK_BYTES);
      this.used = 0;
    }
  }
}

/**
 * Permission bits as portable archives carry them: never unreadable or unwritable by the owner, no
 * write bit for group or others (whatever the packing machine's umask), and folders searchable
 * wherever they are readable. Executable bits are kept: scripts in source_dir stay runnable.
 */
export function portableMode(mode: number, isDirectory: boolean): number {
  let m = ((mode & 0o7777) | 0o600) & ~0o22;
  if (isDirectory) {
    if (m & 0o400) m |= 0o100;
    if (m & 0o40) m |= 0o10;
    if (m & 0o4) m |= 0o1;
  }
  return m;
}

interface HeaderFields {
  path: string;
  mode: number;
  size: number;
  mtimeSeconds: number;
  type: '0' | '5';
}

/** The entry's 512-byte ustar header, preceded by a pax record when ustar cannot hold it. */
export function entryHeader(fields: HeaderFields): Buffer {
  const header = Buffer.alloc(RECORD);
  const needsPax = encodeUstar(header, fields);
  if (!needsPax) return header;
  const body = paxRecord('path', fields.path) + paxRecord('mtime', String(fields.mtimeSeconds)) + paxRecord('size', String(fields.size));
  const bodyBytes = Buffer.byteLength(body);
  const pax = Buffer.alloc(RECORD * Math.ceil(1 + bodyBytes / RECORD));
  encodeUstar(pax, {
    path: `PaxHeader/${posix.basename(fields.path)}`.slice(0, 99),
    mode: 0o644,
    size: bodyBytes,
    mtimeSeconds: fields.mtimeSeconds,
    type: 'x',
  });
  pax.write(body, RECORD, bodyBytes, 'utf8');
  return Buffer.concat([pax, header]);
}

/** `<length> key=value\n`, where length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const line = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(line);
  let digits = String(bytes).length;
  if (bytes + digits >= 10 ** digits) digits += 1;
  return `${digits + bytes}${line}`;
}

/** Fills a zeroed 512-byte block; returns whether a pax record is needed to say it all. */
function encodeUstar(block: Buffer, f: Omit<HeaderFields, 'type'> & { type: HeaderFields['type'] | 'x' }): boolean {
  const [name, prefix, pathTooLong] = splitPath(f.path);
  let pax = pathTooLong;
  pax = putString(block, 0, 100, name) || pax;
  pax = putNumber(block, 100, 8, f.mode) || pax;
  // uid, gid and the owner's names stay empty: the archive says nothing about who packed it.
  pax = putNumber(block, 124, 12, f.size) || pax;
  pax = putNumber(block, 136, 12, Math.floor(f.mtimeSeconds)) || pax;
  block[156] = f.type.charCodeAt(0);
  block.write('ustar\u000000', 257, 8, 'latin1');
  putNumber(block, 329, 8, 0);
  putNumber(block, 337, 8, 0);
  pax = putString(block, 345, 155, prefix) || pax;
  let sum = 8 * 0x20;
  for (let i = 0; i < RECORD; i++) if (i < 148 || i >= 156) sum += block[i]!;
  putNumber(block, 148, 8, sum);
  return pax;
}

/**
 * ustar's name (100 bytes) and prefix (155 bytes, the leading folders): the longest tail of folders
 * that fits the name field goes there. [name, prefix, still too long].
 */
function splitPath(p: string): [string, string, boolean] {
  if (Buffer.byteLength(p) < 100) return [p, '', false];
  let name = posix.basename(p);
  let prefix = posix.dirname(p);
  const root = posix.parse(p).root || '.';
  do {
    const nameBytes = Buffer.byteLength(name);
    if (Buffer.byteLength(prefix) <= 155) return nameBytes <= 100 ? [name, prefix, false] : [name.slice(0, 99), prefix, true];
    name = posix.join(posix.basename(prefix), name);
    prefix = posix.dirname(prefix);
  } while (prefix !== root);
  return [p.slice(0, 99), '', true];
}

/** UTF-8, NUL-padded, cut at the field; true when that loses something or the text is not ASCII. */
function putString(block: Buffer, offset: number, size: number, text: string): boolean {
  block.write(text, offset, size, 'utf8');
  return text.length !== Buffer.byteLength(text) || text.length > size;
}

/**
 * Zero-padded octal, a space and a NUL (`000644 \0`); past the field's octal range, base-256
 * (GNU tar's encoding) and a pax record.
 */
function putNumber(block: Buffer, offset: number, size: number, value: number): boolean {
  const octal = value.toString(8);
  if (value >= 0 && octal.length <= size - 1) {
    const text = octal.length === size - 1 ? `${octal}\0` : `${octal.padStart(size - 2, '0')} \0`;
    block.write(text, offset, size, 'latin1');
    return false;
  }
  if (value < 0 || !Number.isSafeInteger(value)) throw new RangeError(`tar cannot hold the number ${value}`);
  block[offset] = 0x80;
  let rest = value;
  for (let i = offset + size - 1; i > offset; i--) {
    block[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return true;
}
