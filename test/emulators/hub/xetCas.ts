// The Xet side of the Hub emulator: the content-addressed store (CAS) that @huggingface/hub uploads to when
// the LFS batch API answers `transfer: "xet"`, as the Hub does for Xet-backed repositories (the default for
// new users and organisations since May 2025; https://huggingface.co/docs/hub/en/xet/using-xet-storage).
//
//   POST {cas}/v1/xorbs/default/<hash>    a xorb: the chunks of one or more files, each behind an 8-byte header
//   POST {cas}/v1/shards                  a shard: which xorb chunks make up each file, and its sha256
//   GET  {cas}/v1/chunks/default/<hash>   global dedup query: 404, this store never offers remote chunks
//
// Formats as the Xet spec describes them (https://huggingface.co/docs/xet) and as the JS client writes them:
// a xorb is a run of chunks, each `[version 0][compressed length, 3 bytes LE][scheme][raw length, 3 bytes LE]`
// then the bytes (scheme 0: stored, 1: an LZ4 frame, 2: an LZ4 frame of the bytes split into 4 byte groups).
// A shard is a 48-byte header, the file-info section, the CAS-info section (each closed by a bookend of 32
// 0xff bytes and 16 zero bytes) and a footer; hashes are four little-endian u64 words.
//
// On each shard the store rebuilds every file it describes from the stored xorbs (decoding LZ4 itself,
// independently of the client's vendored encoder) and checks the result against the sha256 the shard
// carries, so a test that passes has round-tripped the bytes. What it does not check: the xorb and file
// hashes themselves (Xet's keyed-blake3 Merkle scheme); content is verified by sha256 instead.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

interface XetChunk {
  /** Offset of the chunk's header in the xorb. */
  offset: number;
  scheme: number;
  compressedLength: number;
  rawLength: number;
}

interface XetFileSegment {
  xorbHash: string;
  rawBytes: number;
  chunkStart: number;
  /** Exclusive. */
  chunkEnd: number;
}

interface XetShardFile {
  fileHash: string;
  segments: XetFileSegment[];
  /** The file's sha256, from the metadata extension (the clients always send one). */
  sha256?: string;
}

interface XetShardXorb {
  hash: string;
  chunks: number;
  rawBytes: number;
  storedBytes: number;
}

interface XetShard {
  files: XetShardFile[];
  xorbs: XetShardXorb[];
}

/** A file rebuilt from a shard: its bytes are at `file`. */
export interface RebuiltFile {
  sha256: string;
  size: number;
  file: string;
}

export class XetFormatError extends Error {}

const HEADER_BYTES = 8;
const SHARD_HEADER_BYTES = 48;
const HASH_BYTES = 32;
const FLAG_WITH_VERIFICATION = 0x80000000;
const FLAG_WITH_METADATA_EXT = 0x40000000;
const SHARD_MAGIC = Buffer.concat([Buffer.from('HFRepoMetaData\0', 'latin1'), Buffer.from([85, 105, 103, 69, 106, 123, 129, 87, 131, 165, 189, 217, 92, 205, 209, 74, 169])]);

/** A stored xorb's chunk table; throws XetFormatError when the bytes are not a run of well-formed chunks. */
function parseXorb(bytes: Buffer): XetChunk[] {
  const chunks: XetChunk[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + HEADER_BYTES > bytes.length) throw new XetFormatError(`truncated chunk header at byte ${at}`);
    if (bytes[at] !== 0) throw new XetFormatError(`chunk header version ${bytes[at]} at byte ${at}`);
    const compressedLength = bytes.readUIntLE(at + 1, 3);
    const scheme = bytes[at + 4]!;
    const rawLength = bytes.readUIntLE(at + 5, 3);
    if (scheme > 2) throw new XetFormatError(`unknown compression scheme ${scheme} at byte ${at}`);
    if (scheme === 0 && compressedLength !== rawLength) throw new XetFormatError(`stored chunk at byte ${at} has two lengths`);
    if (at + HEADER_BYTES + compressedLength > bytes.length) throw new XetFormatError(`chunk at byte ${at} runs past the end`);
    chunks.push({ offset: at, scheme, compressedLength, rawLength });
    at += HEADER_BYTES + compressedLength;
  }
  if (chunks.length === 0) throw new XetFormatError('empty xorb');
  return chunks;
}

/** The raw bytes of one chunk of a xorb. */
function decodeChunk(xorb: Buffer, chunk: XetChunk): Buffer {
  const data = xorb.subarray(chunk.offset + HEADER_BYTES, chunk.offset + HEADER_BYTES + chunk.compressedLength);
  if (chunk.scheme === 0) return data;
  const raw = decodeLz4Frame(data, chunk.rawLength);
  return chunk.scheme === 2 ? regroupBytes(raw) : raw;
}

/** Parses a shard; throws XetFormatError on anything malformed. */
function parseShard(bytes: Buffer): XetShard {
  if (bytes.length < SHARD_HEADER_BYTES || !bytes.subarray(0, SHARD_MAGIC.length).equals(SHARD_MAGIC)) throw new XetFormatError('not a shard (bad magic tag)');
  if (bytes.readBigUInt64LE(32) !== 2n) throw new XetFormatError(`shard header version ${bytes.readBigUInt64LE(32)}`);
  let at = SHARD_HEADER_BYTES;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new XetFormatError(`shard truncated at byte ${at}`);
  };
  const isBookend = () => {
    need(HASH_BYTES);
    for (let i = 0; i < HASH_BYTES; i++) if (bytes[at + i] !== 0xff) return false;
    return true;
  };
  const files: XetShardFile[] = [];
  while (!isBookend()) {
    need(48);
    const fileHash = readHash(bytes, at);
    const flags = bytes.readUInt32LE(at + 32);
    const count = bytes.readUInt32LE(at + 36);
    at += 48;
    need(count * 48);
    const segments: XetFileSegment[] = [];
    for (let i = 0; i < count; i++, at += 48) {
      const segment = { xorbHash: readHash(bytes, at), rawBytes: bytes.readUInt32LE(at + 36), chunkStart: bytes.readUInt32LE(at + 40), chunkEnd: bytes.readUInt32LE(at + 44) };
      if (segment.chunkEnd <= segment.chunkStart) throw new XetFormatError(`file ${fileHash}: empty chunk range ${segment.chunkStart}..${segment.chunkEnd}`);
      segments.push(segment);
    }
    if (flags & FLAG_WITH_VERIFICATION) {
      need(count * 48);
      at += count * 48;
    }
    let sha256: string | undefined;
    if (flags & FLAG_WITH_METADATA_EXT) {
      need(48);
      sha256 = readHash(bytes, at);
      at += 48;
    }
    files.push({ fileHash, segments, ...(sha256 ? { sha256 } : {}) });
  }
  at += 48;
  const xorbs: XetShardXorb[] = [];
  while (!isBookend()) {
    need(48);
    const xorb = { hash: readHash(bytes, at), chunks: bytes.readUInt32LE(at + 36), rawBytes: bytes.readUInt32LE(at + 40), storedBytes: bytes.readUInt32LE(at + 44) };
    at += 48;
    need(xorb.chunks * 48);
    at += xorb.chunks * 48;
    xorbs.push(xorb);
  }
  return { files, xorbs };
}

/** Holds xorbs on disk and rebuilds files from shards. */
export class XetStore {
  private readonly xorbs = new Map<string, { file: string; chunks: XetChunk[]; storedBytes: number }>();
  /** Chunks received, by compression scheme: 0 stored, 1 LZ4, 2 byte-grouped LZ4. */
  readonly schemes = [0, 0, 0];

  constructor(private readonly dir: string) {}

  /** Stores a xorb under its hash; false when it was already there. */
  async putXorb(hash: string, bytes: Buffer): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new XetFormatError(`"${hash}" is not a xorb hash`);
    const chunks = parseXorb(bytes);
    if (this.xorbs.has(hash)) return false;
    for (const c of chunks) this.schemes[c.scheme]! += 1;
    const file = path.join(this.dir, `xorb-${hash}`);
    await fs.writeFile(file, bytes);
    this.xorbs.set(hash, { file, chunks, storedBytes: bytes.length });
    return true;
  }

  /**
   * Checks a shard against the stored xorbs and rebuilds each file it describes into `dir`, named by its
   * sha256. Throws XetFormatError when a xorb is missing or differs from the shard's account of it, or when
   * a rebuilt file's sha256 is not the one the shard states.
   */
  async putShard(bytes: Buffer): Promise<RebuiltFile[]> {
    const shard = parseShard(bytes);
    for (const x of shard.xorbs) {
      const stored = this.xorbs.get(x.hash);
      if (!stored) throw new XetFormatError(`the shard lists xorb ${x.hash}, which was never uploaded`);
      const raw = stored.chunks.reduce((n, c) => n + c.rawLength, 0);
      if (stored.chunks.length !== x.chunks || raw !== x.rawBytes || stored.storedBytes !== x.storedBytes) {
        throw new XetFormatError(
          `xorb ${x.hash}: the shard says ${x.chunks} chunks, ${x.rawBytes} bytes raw, ${x.storedBytes} stored; the upload had ${stored.chunks.length}, ${raw}, ${stored.storedBytes}`,
        );
      }
    }
    const rebuilt: RebuiltFile[] = [];
    for (const f of shard.files) {
      const hash = createHash('sha256');
      const temp = path.join(this.dir, `rebuilding-${f.fileHash}`);
      const out = await fs.open(temp, 'w');
      let size = 0;
      try {
        for (const segment of f.segments) {
          const stored = this.xorbs.get(segment.xorbHash);
          if (!stored) throw new XetFormatError(`file ${f.fileHash} uses xorb ${segment.xorbHash}, which was never uploaded`);
          if (segment.chunkEnd > stored.chunks.length)
            throw new XetFormatError(`file ${f.fileHash} uses chunks ${segment.chunkStart}..${segment.chunkEnd} of a ${stored.chunks.length}-chunk xorb`);
          const xorb = await fs.readFile(stored.file);
          let segmentBytes = 0;
          for (let i = segment.chunkStart; i < segment.chunkEnd; i++) {
            const raw = decodeChunk(xorb, stored.chunks[i]!);
            hash.update(raw);
            await out.write(raw);
            segmentBytes += raw.length;
          }
          if (segmentBytes !== segment.rawBytes) throw new XetFormatError(`file ${f.fileHash}: a segment decodes to ${segmentBytes} bytes, the shard says ${segment.rawBytes}`);
          size += segmentBytes;
        }
      } catch (err) {
        await out.close();
        await fs.rm(temp, { force: true });
        throw err;
      }
      await out.close();
      const sha256 = hash.digest('hex');
      if (f.sha256 && f.sha256 !== sha256) {
        await fs.rm(temp, { force: true });
        throw new XetFormatError(`file ${f.fileHash}: rebuilt bytes hash to ${sha256}, the shard says ${f.sha256}`);
      }
      const file = path.join(this.dir, sha256);
      await fs.rename(temp, file);
      rebuilt.push({ sha256, size, file });
    }
    return rebuilt;
  }
}

/** A hash as the Xet formats store it: four u64 words, each written little-endian. */
function readHash(bytes: Buffer, at: number): string {
  let hex = '';
  for (let word = 0; word < 4; word++)
    hex += bytes
      .readBigUInt64LE(at + word * 8)
      .toString(16)
      .padStart(16, '0');
  return hex;
}

/** Undoes scheme 2's split of the bytes into four groups (byte i went to group i % 4). */
function regroupBytes(grouped: Buffer): Buffer {
  const n = grouped.length;
  const split = Math.floor(n / 4);
  const rem = n % 4;
  const starts = [0, split + (rem >= 1 ? 1 : 0)];
  starts.push(starts[1]! + split + (rem >= 2 ? 1 : 0));
  starts.push(starts[2]! + split + (rem >= 3 ? 1 : 0));
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = grouped[starts[i % 4]! + Math.floor(i / 4)]!;
  return out;
}

/**
 * Decodes an LZ4 frame (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md) whose content is
 * `rawLength` bytes. Blocks may refer back into earlier blocks, so all are decoded into one buffer.
 */
function decodeLz4Frame(frame: Buffer, rawLength: number): Buffer {
  if (frame.length < 7 || frame.readUInt32LE(0) !== 0x184d2204) throw new XetFormatError('not an LZ4 frame');
  const flg = frame[4]!;
  if (flg >> 6 !== 1) throw new XetFormatError(`LZ4 frame version ${flg >> 6}`);
  const blockChecksums = (flg & 0x10) !== 0;
  let at = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
  const out = Buffer.alloc(rawLength);
  let written = 0;
  for (;;) {
    if (at + 4 > frame.length) throw new XetFormatError('LZ4 frame truncated');
    const word = frame.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (at + size > frame.length) throw new XetFormatError('LZ4 block runs past the frame');
    if (word & 0x80000000) {
      if (written + size > rawLength) throw new XetFormatError('LZ4 frame longer than its chunk');
      frame.copy(out, written, at, at + size);
      written += size;
    } else {
      written = decodeLz4Block(frame, at, at + size, out, written);
    }
    at += size + (blockChecksums ? 4 : 0);
  }
  if (written !== rawLength) throw new XetFormatError(`LZ4 frame decodes to ${written} bytes, the chunk header says ${rawLength}`);
  return out;
}

function decodeLz4Block(src: Buffer, at: number, end: number, out: Buffer, written: number): number {
  const length = (base: number): number => {
    let n = base;
    if (base === 15) {
      let b: number;
      do {
        if (at >= end) throw new XetFormatError('LZ4 length runs past the block');
        b = src[at++]!;
        n += b;
      } while (b === 255);
    }
    return n;
  };
  while (at < end) {
    const token = src[at++]!;
    const literals = length(token >> 4);
    if (at + literals > end || written + literals > out.length) throw new XetFormatError('LZ4 literals run past the block');
    src.copy(out, written, at, at + literals);
    at += literals;
    written += literals;
    if (at >= end) break;
    const offset = src.readUInt16LE(at);
    at += 2;
    const match = length(token & 15) + 4;
    if (offset === 0 || offset > written) throw new XetFormatError('LZ4 match offset outside the output');
    if (written + match > out.length) throw new XetFormatError('LZ4 match runs past the chunk');
    for (let i = 0; i < match; i++, written++) out[written] = out[written - offset]!;
  }
  return written;
}
