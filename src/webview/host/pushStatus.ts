// The push's progress as the panel shows it, folded from pushModelFolder's events. Pure, so the folding
// is tested without VS Code.

import type { PushProgress } from '../../hub/pushModelFolder';
import { PUSH_PHASES } from '../protocol';
import type { PushPhase, PushStatus } from '../protocol';

const PHASE_LABEL: Record<PushPhase, string> = {
  preuploading: 'checking which files need large-file storage',
  uploadingLargeFiles: 'uploading large files',
  committing: 'committing',
};

export function newPushStatus(repo: string): PushStatus {
  return { repo, state: 'running', phases: { preuploading: 'pending', uploadingLargeFiles: 'pending', committing: 'pending' }, files: [] };
}

/**
 * Applies one event to `status` (in place: it is the panel's own copy) and returns a line for the
 * progress notification. A phase that starts marks the ones before it done, since the hub client skips
 * the large-file phase when there is nothing to upload.
 */
export function applyPushProgress(status: PushStatus, event: PushProgress): string {
  switch (event.kind) {
    case 'listed':
      status.listed = { files: event.files, bytes: event.bytes, skipped: event.skipped };
      return `${event.files} files`;
    case 'repo':
      status.repoUrl = event.repoUrl;
      status.created = event.created;
      return event.created ? `created ${event.repo}` : `${event.repo} exists`;
    case 'phase': {
      const at = PUSH_PHASES.indexOf(event.phase);
      PUSH_PHASES.forEach((p, i) => {
        status.phases[p] = i < at ? 'done' : i === at ? 'active' : 'pending';
      });
      return PHASE_LABEL[event.phase];
    }
    case 'file': {
      const existing = status.files.find((f) => f.path === event.path);
      if (existing) {
        existing.state = event.state;
        existing.progress = event.progress;
      } else {
        status.files.push({ path: event.path, state: event.state, progress: event.progress });
      }
      return `${event.state} ${event.path} ${Math.round(event.progress * 100)}%`;
    }
    case 'retry': {
      const note = `attempt ${event.attempt} of ${event.attempts} after ${event.reason}`;
      const existing = status.files.find((f) => f.path === event.path);
      if (existing) existing.retry = note;
      else status.files.push({ path: event.path, state: 'uploading', progress: 0, retry: note });
      return `${event.reason} while uploading ${event.path}: trying again (${note})`;
    }
    case 'committed':
      for (const p of PUSH_PHASES) status.phases[p] = 'done';
      return 'committed';
  }
}
