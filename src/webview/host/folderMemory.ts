// What the Model Card panel remembers per model folder in workspaceState: the job the folder came from
// (so that a panel restored after a reload still describes it) and the repository it was last pushed to
// (the push form's default, and the id a generated card's usage snippet was written for).

import type * as vscode from 'vscode';
import { isRecord } from '../../core/isRecord';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { StorageKey } from '../../host/ids';
import { storableJobDescription } from './modelFolderCard';

/** The most folders kept; the ones used longest ago are dropped first. */
export const MAX_REMEMBERED_FOLDERS = 50;

export interface RememberedFolder {
  job?: JobDescriptionForCard;
  pushedRepo?: string;
}

/** One folder's entry. Only `get` and `update` of the Memento are used, so a plain map stands in for it in tests. */
export class FolderMemory {
  constructor(
    private readonly state: Pick<vscode.Memento, 'get' | 'update'>,
    private readonly folder: string,
  ) {}

  get job(): JobDescriptionForCard | undefined {
    return this.entry().job;
  }

  get pushedRepo(): string | undefined {
    return this.entry().pushedRepo;
  }

  rememberJob(job: JobDescriptionForCard): Promise<void> {
    return this.remember({ job: storableJobDescription(job) });
  }

  rememberPush(repo: string): Promise<void> {
    return this.remember({ pushedRepo: repo });
  }

  private all(): Record<string, RememberedFolder> {
    const all = this.state.get<unknown>(StorageKey.modelCardFolders);
    return isRecord(all) ? (all as Record<string, RememberedFolder>) : {};
  }

  private entry(): RememberedFolder {
    const entry = this.all()[this.folder];
    return isRecord(entry) ? entry : {};
  }

  /** Merges `update` into the folder's entry and moves it to the end (most recent). */
  private async remember(update: RememberedFolder): Promise<void> {
    const all = { ...this.all() };
    const entry = { ...this.entry(), ...update };
    delete all[this.folder];
    all[this.folder] = entry;
    const keys = Object.keys(all);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED_FOLDERS))) delete all[old];
    await this.state.update(StorageKey.modelCardFolders, all);
  }
}
