import * as path from 'node:path';
import { parseArgs } from './args';
import { formatBytes } from '../core/format';
import { HubError } from '../hub/hubErrors';
import type { HubErrorCode } from '../hub/hubErrors';
import { resolveHubToken } from '../hub/hubToken';
import { describeModelFolderLinks, HUB_TRANSFERS, pushModelFolder } from '../hub/pushModelFolder';
import type { PushProgress } from '../hub/pushModelFolder';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';

const USAGE = 'sagemaker-hf push DIR --repo NAMESPACE/NAME [--public] [--message M] [--hub-url URL] [--include-checkpoints] [--follow-external-links] [--transfer lfs|xet]';

/** Failures about what the user typed or the folder on disk, reported as usage/I-O errors (exit 2). */
const INPUT_FAILURES: ReadonlySet<HubErrorCode> = new Set(['hub.repoNameInvalid', 'hub.folderUnreadable', 'hub.folderEmpty', 'hub.externalLinks']);

/**
 * `sagemaker-hf push DIR --repo NS/NAME`: uploads a model folder to the Hub with the token in HF_TOKEN.
 * A repository it creates is private unless --public, as the Model Card panel's Push does (an existing
 * repository keeps its visibility). Files that are links to files outside the folder refuse the push,
 * listed, unless --follow-external-links. Progress goes to stderr, the repository URL to stdout.
 * 0 pushed, 1 the Hub refused or failed, 2 usage/I-O (a link out of the folder included).
 */
export async function pushCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      public: { type: 'boolean', default: false },
      // Accepted for scripts written when the default was the namespace's: private is the default now.
      private: { type: 'boolean', default: false },
      'follow-external-links': { type: 'boolean', default: false },
      message: { type: 'string' },
      'hub-url': { type: 'string' },
      'include-checkpoints': { type: 'boolean', default: false },
      transfer: { type: 'string', default: 'lfs' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`push needs exactly one model folder: ${USAGE}`);
  if (!values.repo) throw new UsageError(`push needs --repo NAMESPACE/NAME: ${USAGE}`);
  const transfer = HUB_TRANSFERS.find((t) => t === values.transfer);
  if (!transfer) throw new UsageError(`--transfer must be ${HUB_TRANSFERS.join(' or ')}, not "${values.transfer}": ${USAGE}`);
  if (values.public && values.private) throw new UsageError(`--public and --private contradict each other (a new repository is private unless --public): ${USAGE}`);
  const token = resolveHubToken({ env: io.env });
  if (!token) {
    io.stderr('sagemaker-hf push: no Hugging Face token: set HF_TOKEN to an access token with the "write" role (https://huggingface.co/settings/tokens).\n');
    return 2;
  }
  const hubUrl = values['hub-url'] ?? (io.env.HF_ENDPOINT || undefined);
  const folder = path.resolve(io.cwd, positionals[0]!);
  try {
    const result = await pushModelFolder({
      folder,
      repo: values.repo,
      accessToken: token.token,
      includeCheckpoints: values['include-checkpoints'],
      transfer,
      private: !values.public,
      confirmExternalLinks: (links) => {
        if (values['follow-external-links'])
          io.stderr(
            `Pushing the targets of ${links.length} link${links.length === 1 ? '' : 's'} out of the folder (--follow-external-links):\n${describeModelFolderLinks(links).replace(/^/gm, '  ')}\n`,
          );
        return values['follow-external-links'];
      },
      ...(values.message ? { commitMessage: values.message } : {}),
      ...(hubUrl ? { hubUrl } : {}),
      onProgress: (event) => {
        const line = progressLine(event, positionals[0]!);
        if (line) io.stderr(`${line}\n`);
      },
    });
    io.stdout(`${result.repoUrl}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    io.stderr(`sagemaker-hf push: ${err.message}\n`);
    return INPUT_FAILURES.has(err.code) ? 2 : 1;
  }
}

/** One line per step worth reading; in-between progress of a file is left to the editor's progress bar. */
export function progressLine(event: PushProgress, folderArg: string): string | undefined {
  switch (event.kind) {
    case 'listed': {
      const left = event.skipped.length ? `; left out ${event.skipped.join(', ')}` : '';
      const hint = event.skipped.some((s) => /(^|\/)checkpoint-\d+\/$/.test(s)) ? ' (--include-checkpoints pushes them)' : '';
      return `Pushing ${event.files} file${event.files === 1 ? '' : 's'} (${formatBytes(event.bytes)}) from ${folderArg}${left}${hint}`;
    }
    case 'repo':
      return event.created ? `Created ${event.repoUrl}` : `Repository ${event.repo} exists; adding a commit`;
    case 'phase':
      return event.phase === 'preuploading' ? 'Asking the Hub which files go through LFS' : event.phase === 'uploadingLargeFiles' ? 'Uploading large files' : 'Committing';
    case 'file':
      if (event.progress === 0) return `  ${event.state} ${event.path}`;
      if (event.progress >= 1 && event.state === 'uploading') return `  uploaded ${event.path}`;
      return undefined;
    case 'retry':
      return `  ${event.reason} while uploading ${event.path}; trying again in ${Math.round(event.delayMs / 100) / 10} s (attempt ${event.attempt} of ${event.attempts})`;
    case 'committed':
      return `Committed ${event.commitOid.slice(0, 7)}: ${event.commitUrl}`;
  }
}
