// Source staging: sourcedir.tar.gz built from the disk or a git clone, streamed into S3 (moto).
// Assertions read what S3 stored and what git and the HTTP server saw, never our own internals.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import type { SourceArchiveUpload } from '../../src/core/training/createTrainingJobRequest';
import { withGitCheckout, gitRemote, redactUrl } from '../../src/source/gitSource';
import { listSourceArchive, openSourceArchive, packSourceArchive, SOURCE_ARCHIVE_MTIME, uploadSourceArchive } from '../../src/aws/staging/sourceArchive';
import { SourceStagingError } from '../../src/source/stagingError';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEED = path.join(REPO_ROOT, 'test', 'fixtures', 'launch', 'seed-local');
const SEED_SOURCE = { from: path.join(SEED, 'src'), fromKind: 'directory' as const, dependencies: [path.join(SEED, 'shared', 'common_lib')] };
/** What the seed fixture's archive holds, in order: source_dir's entries sorted, then the dependency. */
const SEED_ENTRIES = ['.sagemakerignore', 'requirements.txt', 'train.py', 'utils/', 'utils/helpers.py', 'common_lib/', 'common_lib/__init__.py'];

interface TarMember {
  path: string;
  type: string;
  mtime: number | undefined;
  uid: number | undefined;
  uname: string | undefined;
  mode: number | undefined;
  content: Buffer;
}

async function untar(archive: Buffer): Promise<TarMember[]> {
  const members: TarMember[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser();
    parser.on('entry', (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () =>
        members.push({
          path: entry.path,
          type: entry.type,
          mtime: entry.mtime?.getTime(),
          uid: entry.header.uid,
          uname: entry.header.uname,
          mode: entry.mode,
          content: Buffer.concat(chunks),
        }),
      );
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(archive);
  });
  return members;
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `staging-test-${prefix}-`));
}

async function write(file: string, text: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

describe('sourcedir.tar.gz contents', () => {
  it('holds every top-level entry of source_dir, then each dependency under its base name, minus .sagemakerignore', async () => {
    const contents = await listSourceArchive(SEED_SOURCE);
    assert.deepEqual(
      contents.entries.map((e) => (e.kind === 'directory' ? `${e.name}/` : e.name)),
      SEED_ENTRIES,
    );
    // The ignore file's rules match archive paths, so bytecode inside the dependency stays home too.
    assert.deepEqual(contents.ignored, ['checkpoints', 'notes.tmp', 'common_lib/__pycache__']);
    assert.equal(contents.files, 5);
  });

  it('packs exactly the listed entries, with their bytes, one fixed mtime and no owner', async () => {
    const members = await untar(await drain(packSourceArchive((await listSourceArchive(SEED_SOURCE)).entries)));
    assert.deepEqual(
      members.map((m) => m.path),
      SEED_ENTRIES,
    );
    const train = members.find((m) => m.path === 'train.py')!;
    assert.deepEqual(train.content, await fs.readFile(path.join(SEED, 'src', 'train.py')));
    assert.equal(members.find((m) => m.path === 'common_lib/__init__.py')!.content.toString(), 'VERSION = "0.1"\n');
    for (const m of members) {
      assert.equal(m.mtime, SOURCE_ARCHIVE_MTIME.getTime(), `${m.path} mtime`);
      assert.ok(!m.uid, `${m.path} uid`);
      assert.ok(!m.uname, `${m.path} uname`);
    }
  });

  it("gives the same bytes for the same tree, whatever the files' mtimes and the order readdir returns", async () => {
    const dir = await tempDir('determinism');
    try {
      for (const name of ['b.py', 'a.py', 'z/y.txt', 'z/x.txt', 'C.md']) await write(path.join(dir, name), `content of ${name}\n`);
      const pack = async () =>
        createHash('sha256')
          .update(await drain(packSourceArchive((await listSourceArchive({ from: dir, fromKind: 'directory', dependencies: [] })).entries)))
          .digest('hex');
      const first = await pack();
      await fs.utimes(path.join(dir, 'a.py'), new Date('2001-01-01'), new Date('2001-01-01'));
      await fs.utimes(path.join(dir, 'z'), new Date('2011-01-01'), new Date('2011-01-01'));
      assert.equal(await pack(), first);
      await write(path.join(dir, 'a.py'), 'changed\n');
      assert.notEqual(await pack(), first, 'a content change must change the archive');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('follows symbolic links as the SDK does, and leaves out links to nothing and links back up the tree', async () => {
    const dir = await tempDir('links');
    try {
      const outside = path.join(dir, 'outside');
      await write(path.join(outside, 'shared.py'), 'SHARED = 1\n');
      await write(path.join(outside, 'pkg', 'mod.py'), 'MOD = 1\n');
      const src = path.join(dir, 'src');
      await write(path.join(src, 'train.py'), 'print(1)\n');
      await fs.symlink(path.join(outside, 'shared.py'), path.join(src, 'shared.py'));
      await fs.symlink(path.join(outside, 'pkg'), path.join(src, 'pkg'));
      await fs.symlink(path.join(dir, 'nowhere'), path.join(src, 'dangling.py'));
      await fs.symlink(src, path.join(src, 'loop'));
      await fs.link(path.join(src, 'train.py'), path.join(src, 'train_copy.py'));

      const contents = await listSourceArchive({ from: src, fromKind: 'directory', dependencies: [] });
      assert.deepEqual(contents.skipped, [
        { name: 'dangling.py', reason: 'danglingLink' },
        { name: 'loop', reason: 'linkLoop' },
      ]);
      const members = await untar(await drain(packSourceArchive(contents.entries)));
      assert.deepEqual(
        members.map((m) => [m.path, m.type]),
        [
          ['pkg/', 'Directory'],
          ['pkg/mod.py', 'File'],
          ['shared.py', 'File'],
          ['train.py', 'File'],
          ['train_copy.py', 'File'],
        ],
      );
      assert.equal(members.find((m) => m.path === 'shared.py')!.content.toString(), 'SHARED = 1\n');
      // A hard link is stored in full, not as a link to train.py.
      assert.equal(members.find((m) => m.path === 'train_copy.py')!.content.toString(), 'print(1)\n');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('lists each link that leaves source_dir or a dependency folder once, with where it leads; links that stay inside are not listed', async () => {
    const dir = await tempDir('external');
    try {
      const outside = path.join(dir, 'outside');
      await write(path.join(outside, 'pkg', 'mod.py'), 'MOD = 1\n');
      await write(path.join(outside, 'pkg', 'deeper.txt'), 'x\n');
      await fs.symlink(path.join(outside, 'pkg', 'deeper.txt'), path.join(outside, 'pkg', 'again.txt'));
      const src = path.join(dir, 'src');
      await write(path.join(src, 'train.py'), 'print(1)\n');
      await write(path.join(src, 'lib', 'a.py'), 'A = 1\n');
      await write(path.join(src, '.sagemakerignore'), 'ignored_link\n');
      await fs.symlink('/etc', path.join(src, 'etc'));
      await fs.symlink(path.join(outside, 'pkg'), path.join(src, 'pkg'));
      await fs.symlink('lib/a.py', path.join(src, 'alias.py'));
      await fs.symlink('../src/lib', path.join(src, 'lib_again'));
      await fs.symlink('/etc', path.join(src, 'ignored_link'));
      const dep = path.join(dir, 'deps', 'helpers');
      await write(path.join(dep, 'h.py'), 'H = 1\n');
      await fs.symlink(path.join(src, 'train.py'), path.join(dep, 'from_src.py'));

      const contents = await listSourceArchive({ from: src, fromKind: 'directory', dependencies: [dep] });
      assert.deepEqual(
        contents.externalLinks.map((l) => [l.name, l.path, l.root, l.target]),
        [
          ['etc', path.join(src, 'etc'), src, await fs.realpath('/etc')],
          ['pkg', path.join(src, 'pkg'), src, await fs.realpath(path.join(outside, 'pkg'))],
          // A dependency is a folder of its own: a link from it into source_dir leaves it too.
          ['helpers/from_src.py', path.join(dep, 'from_src.py'), dep, await fs.realpath(path.join(src, 'train.py'))],
        ],
      );
      assert.ok(contents.ignored.includes('ignored_link'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('without source_dir holds the entry point alone (plus dependencies), named by its base name', async () => {
    const contents = await listSourceArchive({ from: path.join(SEED, 'src', 'train.py'), fromKind: 'file', dependencies: [path.join(SEED, 'src', 'requirements.txt')] });
    assert.deepEqual(
      contents.entries.map((e) => e.name),
      ['train.py', 'requirements.txt'],
    );
  });

  it('refuses a .sagemakerignore line that cannot work, naming the file, the line and the pattern (in this thread and in the worker)', async () => {
    const dir = await tempDir('bad-ignore');
    try {
      await write(path.join(dir, 'train.py'), 'print(1)\n');
      await write(path.join(dir, '.sagemakerignore'), '# keep the checkpoints home\ncheckpoints/\n[z-a]*.bin\n');
      const source = { from: dir, fromKind: 'directory' as const, dependencies: [] };
      for (const list of [() => listSourceArchive(source), () => openSourceArchive(source, { inThreadLimits: { entries: 0, bytes: 0 } }).then((a) => a.close())]) {
        await assert.rejects(list(), (e: unknown) => {
          assert.ok(e instanceof SourceStagingError, String(e));
          assert.equal(e.code, 'source.ignoreFileInvalid');
          assert.equal(
            e.message,
            `${path.join(dir, '.sagemakerignore')} line 3: the range z-a runs backwards, so it matches nothing (did you mean a-z?) in the pattern \`[z-a]*.bin\`; fix or remove that line.`,
          );
          assert.equal(e.context.line, 3);
          return true;
        });
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a dependency that does not exist, naming it', async () => {
    await assert.rejects(listSourceArchive({ ...SEED_SOURCE, dependencies: [path.join(SEED, 'shared', 'missing_lib')] }), (e: unknown) => {
      assert.ok(e instanceof SourceStagingError);
      assert.equal(e.code, 'source.dependencyMissing');
      assert.match(e.message, /missing_lib/);
      return true;
    });
  });
});

describe('uploading sourcedir.tar.gz to S3 (moto)', { skip: motoInstallProblem() ?? false }, () => {
  const BUCKET = 'sagemaker-us-east-1-123456789012';
  let moto: MotoServer;
  let bigTree: string;

  const client = (): S3Client => new S3Client(awsTestClientConfig(moto.endpoint));
  const upload = (key: string, from: Partial<SourceArchiveUpload> = {}): SourceArchiveUpload => ({
    ...SEED_SOURCE,
    to: `s3://${BUCKET}/${key}`,
    bucket: BUCKET,
    key,
    extraArgs: { ServerSideEncryption: 'aws:kms', ExpectedBucketOwner: '123456789012' },
    ...from,
  });
  const bigUpload = (key: string): SourceArchiveUpload => upload(key, { from: bigTree, dependencies: [] });
  const nothingLeft = async (s3: S3Client, key: string) => {
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })), (e: { name?: string }) => e.name === 'NotFound');
    const pending = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.deepEqual(
      (pending.Uploads ?? []).map((u) => u.Key),
      [],
      'no multipart upload left open',
    );
  };

  before(async () => {
    moto = await startMoto();
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3.destroy();
    // Incompressible, so the archive needs several 5 MiB parts.
    bigTree = await tempDir('big');
    await write(path.join(bigTree, 'train.py'), 'print("big")\n');
    await write(path.join(bigTree, 'weights.bin'), randomBytes(16 * 1024 * 1024));
  });

  after(async () => {
    await moto?.stop();
    if (bigTree) await fs.rm(bigTree, { recursive: true, force: true });
  });

  it("stores the archive with the SDK's ExtraArgs: SSE-KMS and its key recorded, the expected owner sent", async () => {
    const s3 = client();
    const sent: Array<{ command: string; headers: Record<string, string> }> = [];
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push({ command: context.commandName ?? '', headers: { ...(args.request as { headers: Record<string, string> }).headers } });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHeaders' },
    );
    const key = 'job-sse/source/sourcedir.tar.gz';
    const kms = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const progress: number[] = [];
    const done = await uploadSourceArchive({
      s3,
      upload: upload(key, { extraArgs: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kms, ExpectedBucketOwner: '123456789012' } }),
      onProgress: (p) => progress.push(p.uploadedBytes),
    });

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, kms);
    assert.equal(head.ContentLength, done.bytes);
    assert.equal(progress[progress.length - 1], done.bytes);
    // moto does not record ExpectedBucketOwner; the request on the wire carries it.
    const put = sent.find((s) => s.command === 'PutObjectCommand');
    assert.equal(put?.headers['x-amz-expected-bucket-owner'], '123456789012');

    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const members = await untar(Buffer.from(await object.Body!.transformToByteArray()));
    assert.deepEqual(
      members.map((m) => m.path),
      SEED_ENTRIES,
    );
    s3.destroy();
  });

  it('streams a large tree as a multipart upload', async () => {
    const s3 = client();
    const key = 'job-big/source/sourcedir.tar.gz';
    const done = await uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024 });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.match(head.ETag ?? '', /-\d+"?$/, 'a multipart ETag');
    assert.equal(head.ContentLength, done.bytes);
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    s3.destroy();
  });

  it("a failing part aborts the multipart upload: no object, no open upload, an error naming bucket, key and the service's words", async () => {
    const s3 = client();
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && (args.input as { PartNumber?: number }).PartNumber === 2) {
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failSecondPart' },
    );
    const key = 'job-fails/source/sourcedir.tar.gz';
    await assert.rejects(uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024 }), (e: unknown) => {
      assert.ok(e instanceof SourceStagingError);
      assert.equal(e.code, 'upload.failed');
      assert.match(e.message, new RegExp(`s3://${BUCKET}/${key}`));
      assert.match(e.message, /internal error/);
      return true;
    });
    await nothingLeft(s3, key);
    s3.destroy();
  });

  it('uploads nothing when a link leaves the source folder, unless confirmed', async () => {
    const dir = await tempDir('upload-links');
    const s3 = client();
    try {
      await write(path.join(dir, 'secret', 'id_rsa'), 'PRIVATE KEY\n');
      const src = path.join(dir, 'src');
      await write(path.join(src, 'train.py'), 'print(1)\n');
      await fs.symlink(path.join(dir, 'secret', 'id_rsa'), path.join(src, 'key.pem'));
      const key = 'links/sourcedir.tar.gz';
      const linked = upload(key, { from: src, fromKind: 'directory', dependencies: [] });
      await assert.rejects(uploadSourceArchive({ s3, upload: linked }), (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.code, 'source.externalLinks');
        assert.match(e.message, /^key\.pem → .*id_rsa$/m);
        return true;
      });
      await assert.rejects(
        uploadSourceArchive({ s3, upload: linked, confirmExternalLinks: async () => false }),
        (e: unknown) => e instanceof SourceStagingError && e.code === 'source.externalLinks',
      );
      assert.equal(((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'links/' }))).Contents ?? []).length, 0, 'something reached S3');
      const done = await uploadSourceArchive({ s3, upload: linked, confirmExternalLinks: () => true });
      const members = await untar(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray()));
      assert.equal(members.find((m) => m.path === 'key.pem')?.content.toString(), 'PRIVATE KEY\n');
      assert.deepEqual(
        done.contents.externalLinks.map((l) => l.name),
        ['key.pem'],
      );
    } finally {
      s3.destroy();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("a missing bucket fails with S3's words and what to do", async () => {
    const s3 = client();
    await assert.rejects(
      uploadSourceArchive({ s3, upload: upload('k/sourcedir.tar.gz', { bucket: 'no-such-bucket-here', to: 's3://no-such-bucket-here/k/sourcedir.tar.gz' }) }),
      (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.context.serviceCode, 'NoSuchBucket');
        assert.match(e.message, /no-such-bucket-here.*does not exist/);
        return true;
      },
    );
    s3.destroy();
  });

  it('cancelling mid-upload leaves nothing in S3', async () => {
    const s3 = client();
    const key = 'job-cancelled/source/sourcedir.tar.gz';
    const controller = new AbortController();
    await assert.rejects(
      uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024, queueSize: 1, signal: controller.signal, onProgress: () => controller.abort() }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'cancelled',
    );
    await nothingLeft(s3, key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'job-cancelled/' }));
    assert.equal(listed.KeyCount ?? 0, 0);
    s3.destroy();
  });

  // The races behind "nothing stays in S3": each test makes one happen on purpose, in the order that
  // leaves something behind when the code that handles it is missing.

  /** A client whose S3 commands are recorded by name, and which runs `hook` before sending the ones it names. */
  const instrumented = (hook: (command: string, input: Record<string, unknown>) => Promise<void> | void = () => undefined) => {
    const s3 = client();
    const commands: string[] = [];
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        commands.push(command);
        await hook(command, args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'raceHook' },
    );
    return { s3, commands };
  };

  it('a cancel that arrives while the last part completes the upload: the finished object is deleted again', async () => {
    const key = 'job-cancel-completing/source/sourcedir.tar.gz';
    const controller = new AbortController();
    const { s3, commands } = instrumented((command) => {
      // The cancel comes in just as CompleteMultipartUpload leaves: S3 completes it anyway.
      if (command === 'CompleteMultipartUploadCommand') controller.abort();
    });
    await assert.rejects(
      uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024, signal: controller.signal }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'cancelled',
    );
    assert.ok(commands.includes('CompleteMultipartUploadCommand') && commands.includes('DeleteObjectCommand'), commands.join(' '));
    await nothingLeft(s3, key);
    s3.destroy();
  });

  it('a cancel that arrives while a single-request upload is under way: the object it stored is deleted again', async () => {
    const key = 'job-cancel-putting/source/sourcedir.tar.gz';
    const controller = new AbortController();
    const { s3, commands } = instrumented((command) => {
      if (command === 'PutObjectCommand') controller.abort();
    });
    await assert.rejects(uploadSourceArchive({ s3, upload: upload(key), signal: controller.signal }), (e: unknown) => e instanceof SourceStagingError && e.code === 'cancelled');
    assert.ok(commands.includes('PutObjectCommand') && commands.includes('DeleteObjectCommand'), commands.join(' '));
    await nothingLeft(s3, key);
    s3.destroy();
  });

  it('a cancel that arrives while CreateMultipartUpload is on its way: the upload it opens is aborted', async () => {
    const key = 'job-cancel-creating/source/sourcedir.tar.gz';
    const controller = new AbortController();
    const { s3, commands } = instrumented((command) => {
      if (command === 'CreateMultipartUploadCommand') controller.abort();
    });
    await assert.rejects(
      uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024, signal: controller.signal }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'cancelled',
    );
    assert.ok(commands.includes('CreateMultipartUploadCommand') && commands.includes('AbortMultipartUploadCommand'), commands.join(' '));
    await nothingLeft(s3, key);
    s3.destroy();
  });

  it('when the abort lib-storage sends after a failed part fails too, the multipart upload is aborted again: no open upload', async () => {
    const key = 'job-abort-fails/source/sourcedir.tar.gz';
    let aborts = 0;
    const { s3, commands } = instrumented((command, input) => {
      if (command === 'UploadPartCommand' && input['PartNumber'] === 2) {
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      }
      // lib-storage's own AbortMultipartUpload meets a throttled S3 (after the SDK's retries).
      if (command === 'AbortMultipartUploadCommand' && ++aborts === 1) {
        throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
      }
    });
    await assert.rejects(
      uploadSourceArchive({ s3, upload: bigUpload(key), partSize: 5 * 1024 * 1024 }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'upload.failed',
    );
    assert.equal(commands.filter((c) => c === 'AbortMultipartUploadCommand').length, 2, commands.join(' '));
    await nothingLeft(s3, key);
    s3.destroy();
  });
});

// ---------------------------------------------------------------------------------------------
// git_config
// ---------------------------------------------------------------------------------------------

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' });
}

interface TestRepo {
  bare: string;
  url: string;
  firstCommit: string;
  mainHead: string;
}

/** A bare repository with two commits on main and a feature branch, made locally (no network). */
async function makeRepo(root: string): Promise<TestRepo> {
  const bare = path.join(root, 'remote.git');
  const work = path.join(root, 'work');
  git(['init', '--quiet', '--bare', bare], root);
  git(['init', '--quiet', work], root);
  await write(path.join(work, 'examples', 'seq2seq', 'run_summarization.py'), 'VERSION = "first"\n');
  await write(path.join(work, 'examples', 'seq2seq', 'requirements.txt'), 'rouge-score\n');
  await write(path.join(work, 'utils', 'tools.py'), 'TOOLS = 1\n');
  git(['add', '.'], work);
  git(['commit', '--quiet', '-m', 'first'], work);
  const firstCommit = git(['rev-parse', 'HEAD'], work).trim();
  await write(path.join(work, 'examples', 'seq2seq', 'run_summarization.py'), 'VERSION = "second"\n');
  git(['commit', '--quiet', '-am', 'second'], work);
  const mainHead = git(['rev-parse', 'HEAD'], work).trim();
  git(['push', '--quiet', bare, 'HEAD:refs/heads/main'], work);
  git(['checkout', '--quiet', '-b', 'feature'], work);
  await write(path.join(work, 'examples', 'seq2seq', 'run_summarization.py'), 'VERSION = "feature"\n');
  git(['commit', '--quiet', '-am', 'feature'], work);
  git(['push', '--quiet', bare, 'HEAD:refs/heads/feature'], work);
  return { bare, url: `file://${bare}`, firstCommit, mainHead };
}

describe('git_config checkouts (a local bare repository)', () => {
  let root: string;
  let repo: TestRepo;
  let tempRoot: string;

  before(async () => {
    root = await tempDir('git');
    repo = await makeRepo(root);
    tempRoot = path.join(root, 'tmp');
    await fs.mkdir(tempRoot);
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  const request = (gitConfig: { repo?: string; branch?: string; commit?: string }, entryPoint = 'run_summarization.py') => ({
    gitConfig: { repo: repo.url, ...gitConfig },
    sourceDir: 'examples/seq2seq',
    entryPoint,
    dependencies: ['utils'],
  });
  const entryText = (root: string) => fs.readFile(path.join(root, 'examples', 'seq2seq', 'run_summarization.py'), 'utf8');

  it('clones the branch shallowly into a temporary folder that is gone afterwards', async () => {
    let seenRoot = '';
    const text = await withGitCheckout(
      request({ branch: 'feature' }),
      async (co) => {
        seenRoot = co.root;
        assert.equal(git(['rev-parse', '--is-shallow-repository'], co.root).trim(), 'true');
        return entryText(co.root);
      },
      { tempRoot },
    );
    assert.equal(text, 'VERSION = "feature"\n');
    assert.equal(existsSync(seenRoot), false);
    assert.deepEqual(await fs.readdir(tempRoot), []);
  });

  it("checks out an exact commit (full id: a depth-1 fetch; abbreviated: the SDK's full fetch)", async () => {
    for (const commit of [repo.firstCommit, repo.firstCommit.slice(0, 10)]) {
      const { text, head } = await withGitCheckout(request({ branch: 'main', commit }), async (co) => ({ text: await entryText(co.root), head: co.commit }), { tempRoot });
      assert.equal(text, 'VERSION = "first"\n', commit);
      assert.equal(head, repo.firstCommit);
    }
    assert.deepEqual(await fs.readdir(tempRoot), []);
  });

  it('refuses a missing entry point before the callback runs (nothing uploaded), and still removes the clone', async () => {
    let called = false;
    await assert.rejects(
      withGitCheckout(
        request({ branch: 'main' }, 'train.py'),
        async () => {
          called = true;
        },
        { tempRoot },
      ),
      (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.code, 'git.entryPointMissing');
        assert.match(e.message, /Entry point `train\.py` does not exist in source_dir `examples\/seq2seq` of the repo/);
        return true;
      },
    );
    assert.equal(called, false);
    assert.deepEqual(await fs.readdir(tempRoot), []);
  });

  it('refuses paths that leave the repository', async () => {
    await assert.rejects(
      withGitCheckout({ ...request({ branch: 'main' }), sourceDir: '../../..' }, async () => undefined, { tempRoot }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'git.pathOutsideRepo',
    );
  });

  it('removes the clone when the work done with it fails', async () => {
    await assert.rejects(
      withGitCheckout(
        request({ branch: 'main' }),
        async () => {
          throw new Error('upload failed');
        },
        { tempRoot },
      ),
      /upload failed/,
    );
    assert.deepEqual(await fs.readdir(tempRoot), []);
  });

  it("reports an unknown branch with git's words", async () => {
    await assert.rejects(
      withGitCheckout(request({ branch: 'no-such-branch' }), async () => undefined, { tempRoot }),
      (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.code, 'git.cloneFailed');
        assert.match(e.message, /no-such-branch/);
        return true;
      },
    );
  });
});

describe('git credentials', () => {
  const TOKEN = 'ghp_test_secret_0123456789abcdef';
  let root: string;
  let server: GitHttpServer;
  let spyLog: string;
  let spy: string;

  before(async () => {
    root = await tempDir('git-http');
    await makeRepo(root);
    server = await startGitHttpServer(root, `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    spyLog = path.join(root, 'argv.log');
    spy = path.join(root, 'git-spy.sh');
    // Records every command line git is started with, then runs the real git.
    await fs.writeFile(spy, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${spyLog}'\nexec git "$@"\n`, { mode: 0o755 });
  });

  after(async () => {
    await server?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  const request = (gitConfig: Record<string, string>) => ({
    gitConfig: { repo: `${server.url}/remote.git`, branch: 'main', ...gitConfig },
    sourceDir: 'examples/seq2seq',
    entryPoint: 'run_summarization.py',
  });

  it('sends ${env:…} credentials as a header, never on a command line', async () => {
    await fs.rm(spyLog, { force: true });
    const text = await withGitCheckout(request({ token: '${env:GIT_TOKEN}' }), (co) => fs.readFile(path.join(co.root, 'examples', 'seq2seq', 'run_summarization.py'), 'utf8'), {
      env: { ...process.env, GIT_TOKEN: TOKEN },
      gitCommand: spy,
    });
    assert.equal(text, 'VERSION = "second"\n');
    assert.ok(server.authorizations.includes(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`));
    const argv = await fs.readFile(spyLog, 'utf8');
    assert.match(argv, /clone --depth 1/);
    assert.ok(!argv.includes(TOKEN), 'the token is in an argv');
    assert.ok(!argv.includes(Buffer.from(`x-access-token:${TOKEN}`).toString('base64')), 'the encoded token is in an argv');
  });

  it('moves credentials written into the URL out of argv, and keeps them out of errors', async () => {
    await fs.rm(spyLog, { force: true });
    const url = `${server.url.replace('http://', `http://someone:${TOKEN}@`)}/missing.git`;
    await assert.rejects(
      withGitCheckout({ ...request({}), gitConfig: { repo: url, branch: 'main' } }, async () => undefined, { gitCommand: spy }),
      (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.code, 'git.cloneFailed');
        assert.ok(!e.message.includes(TOKEN), e.message);
        assert.ok(!JSON.stringify(e.context).includes(TOKEN));
        assert.match(e.message, new RegExp(`${server.url}/missing\\.git`));
        return true;
      },
    );
    assert.ok(!(await fs.readFile(spyLog, 'utf8')).includes(TOKEN));
  });

  it('a wrong token fails without prompting, and without echoing the token even when the server echoes it', async () => {
    const wrong = 'ghp_wrong_wrong_wrong';
    const basic = Buffer.from(`x-access-token:${wrong}`).toString('base64');
    // A git host that answers a refused credential with a message quoting it (header and decoded token):
    // git prints a text/plain error body as "remote: …" lines, so the token reaches git's stderr.
    const echoing = await startEchoingGitServer();
    try {
      await assert.rejects(
        withGitCheckout(
          { ...request({ token: '${env:GIT_TOKEN}' }), gitConfig: { repo: `${echoing.url}/org/repo.git`, branch: 'main', token: '${env:GIT_TOKEN}' } },
          async () => undefined,
          { env: { ...process.env, GIT_TOKEN: wrong } },
        ),
        (e: unknown) => {
          assert.ok(e instanceof SourceStagingError);
          assert.equal(e.code, 'git.cloneFailed');
          // The server's words made it into the message (so the echo was really there to redact) …
          assert.match(e.message, /remote: Bad credentials/, e.message);
          // … with the token and its Basic encoding blanked.
          assert.ok(!e.message.includes(wrong), e.message);
          assert.ok(!e.message.includes(basic), e.message);
          assert.ok(!JSON.stringify(e.context).includes(wrong));
          assert.match(e.message, /\*\*\*/);
          return true;
        },
      );
      assert.ok(echoing.authorizations.includes(`Basic ${basic}`), 'git never sent the credential');
    } finally {
      await echoing.close();
    }
  });

  it('names an unset variable before running git', async () => {
    await fs.rm(spyLog, { force: true });
    const env = { ...process.env };
    delete env['GIT_TOKEN'];
    await assert.rejects(
      withGitCheckout(request({ token: '${env:GIT_TOKEN}' }), async () => undefined, { env, gitCommand: spy }),
      (e: unknown) => {
        assert.ok(e instanceof SourceStagingError);
        assert.equal(e.code, 'git.credentialMissing');
        assert.match(e.message, /GIT_TOKEN/);
        return true;
      },
    );
    assert.equal(existsSync(spyLog), false, 'git ran');
  });

  it("never sends another service's secret as a git credential: refused before git runs, the server receives nothing", async () => {
    const sentinel = 'AWS-SENTINEL-secret-access-key-0123456789';
    for (const variable of ['AWS_SECRET_ACCESS_KEY', 'HF_TOKEN']) {
      await fs.rm(spyLog, { force: true });
      const seen = server.authorizations.length;
      await assert.rejects(
        withGitCheckout(request({ token: `\${env:${variable}}` }), async () => undefined, { env: { ...process.env, [variable]: sentinel }, gitCommand: spy }),
        (e: unknown) => {
          assert.ok(e instanceof SourceStagingError);
          assert.equal(e.code, 'git.credentialRefused');
          assert.match(e.message, new RegExp(`${variable} holds .*not a git credential`));
          assert.ok(!e.message.includes(sentinel));
          return true;
        },
      );
      assert.equal(existsSync(spyLog), false, 'git ran');
      assert.equal(server.authorizations.length, seen, 'the server was contacted');
    }
  });

  it('refuses credentials over plain http:// to another machine, before git runs', async () => {
    await fs.rm(spyLog, { force: true });
    const remote = { repo: 'http://git.example.test/org/code.git', branch: 'main', token: '${env:GIT_TOKEN}' };
    assert.throws(
      () => gitRemote(remote, { GIT_TOKEN: TOKEN }),
      (e: unknown) =>
        e instanceof SourceStagingError && e.code === 'git.credentialRefused' && /plain http:\/\/: git would send this token to git\.example\.test unencrypted/.test(e.message),
    );
    await assert.rejects(
      withGitCheckout({ ...request({}), gitConfig: remote }, async () => undefined, { env: { ...process.env, GIT_TOKEN: TOKEN }, gitCommand: spy }),
      (e: unknown) => e instanceof SourceStagingError && e.code === 'git.credentialRefused',
    );
    assert.equal(existsSync(spyLog), false, 'git ran');
    // The same URL without credentials is cloned as before; loopback http (this server) keeps its credentials.
    assert.deepEqual(gitRemote({ repo: 'http://git.example.test/org/code.git' }, {}).env, {});
    assert.equal(gitRemote({ repo: `${server.url}/remote.git`, token: '${env:GIT_TOKEN}' }, { GIT_TOKEN: TOKEN }).env['GIT_CONFIG_COUNT'], '1');
  });

  it("scopes the header to the repository's origin and leaves URLs without credentials alone", () => {
    const remote = gitRemote({ repo: 'https://github.com/philschmid/transformers.git', username: 'me', password: '${env:PW}' }, { PW: 'pw', GIT_CONFIG_COUNT: '2' });
    assert.equal(remote.url, 'https://github.com/philschmid/transformers.git');
    assert.deepEqual(remote.env, {
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'http.https://github.com/.extraHeader',
      GIT_CONFIG_VALUE_2: `Authorization: Basic ${Buffer.from('me:pw').toString('base64')}`,
    });
    assert.equal(redactUrl('https://me:pw@github.com/x.git'), 'https://github.com/x.git');
    assert.deepEqual(gitRemote({ repo: 'git@github.com:org/repo.git', token: '${env:T}' }, { T: 't' }).env, {}, 'SSH uses the agent');
  });
});

/**
 * A git smart-HTTP host that refuses every request with 403 and a text/plain body quoting the
 * Authorization header it got and the password inside it, as careless servers and proxies do.
 */
async function startEchoingGitServer(): Promise<GitHttpServer> {
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const auth = req.headers.authorization ?? '';
    authorizations.push(auth);
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const password = decoded.slice(decoded.indexOf(':') + 1);
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Bad credentials: token ${password} is not valid for this repository\n(you sent "Authorization: ${auth}")\n`);
  });
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface GitHttpServer {
  url: string;
  authorizations: string[];
  close(): Promise<void>;
}

/** Smart HTTP in front of `git http-backend` (CGI), demanding one Authorization header. */
async function startGitHttpServer(projectRoot: string, expectedAuthorization: string): Promise<GitHttpServer> {
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    authorizations.push(auth);
    if (auth !== expectedAuthorization) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: (req.headers['content-encoding'] as string | undefined) ?? '',
        HTTP_GIT_PROTOCOL: (req.headers['git-protocol'] as string | undefined) ?? '',
        REMOTE_USER: 'test',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      let sep = out.indexOf('\r\n\r\n');
      let sepLength = 4;
      if (sep < 0) {
        sep = out.indexOf('\n\n');
        sepLength = 2;
      }
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of out.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.end(out.subarray(sep + sepLength));
    });
  });
  // The server never outlives the test run, whatever happens to the test.
  server.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
