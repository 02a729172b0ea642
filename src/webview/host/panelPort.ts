// What the parts of the Model Card panel (card, Hub account, push, inference test) share with its shell.

import type { ComponentLog } from '../../host/log';
import type { HostMessage } from '../protocol';

/** How a part talks to the page. Posts made before the page said `ready`, or after the panel closed, are dropped. */
export interface PanelPort {
  /** The model folder, an absolute path. */
  readonly folder: string;
  readonly log: ComponentLog;
  post(message: HostMessage): void;
  /** The panel is closed: work that ends now has no page to tell. */
  readonly closed: boolean;
}
