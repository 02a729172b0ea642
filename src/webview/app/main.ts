// The Model Card page. Bundled by esbuild into dist/webview/modelCard.js (an IIFE: nothing is put on
// window). It talks to the extension host only through the typed protocol, checks every message it
// receives, keeps what the user typed in the webview state, and says `ready` once it listens.

import { isHostMessage, isModelCardViewState } from '../protocol';
import type { HostMessage, InferenceRequest, ModelCardViewState, PushRequest, ViewMessage } from '../protocol';
import { CardView } from './cardView';
import { h } from './dom';
import { InferenceView } from './inferenceView';
import { PushView } from './pushView';

const vscode = acquireVsCodeApi<ModelCardViewState>();
const saved = vscode.getState();
let state: ModelCardViewState | undefined = isModelCardViewState(saved) ? saved : undefined;

const post = (message: ViewMessage): void => vscode.postMessage(message);

function saveState(patch: Partial<Omit<ModelCardViewState, 'version'>>): void {
  const folder = patch.folder ?? state?.folder;
  // Without a folder the panel could not be restored anyway; the first card message brings it.
  if (!folder) return;
  state = { ...(state ?? {}), ...patch, version: 1, folder };
  vscode.setState(state);
}

const card = new CardView(post);
const push = new PushView(
  post,
  (request: PushRequest) => {
    saveState({ push: request });
    inference.suggestModel(push.repoId());
  },
  state?.push,
);
const inference = new InferenceView(post, (request: InferenceRequest) => saveState({ inference: request }), state?.inference);
let pushedRepo: string | undefined;

const app = document.getElementById('app');
if (app) {
  app.replaceChildren(card.header, h('div', { className: 'layout' }, card.main, h('aside', { className: 'side' }, push.element, inference.element, card.details)));
  app.removeAttribute('aria-busy');
}

function receive(message: HostMessage): void {
  switch (message.type) {
    case 'card':
      // The folder is what the serializer needs to bring the panel back after a reload.
      saveState({ folder: message.card.folder });
      card.render(message.card);
      inference.suggestText(message.card.widgetText);
      return;
    case 'cardError':
      saveState({ folder: message.folder });
      card.renderError(message.folder, message.message);
      return;
    case 'tokenStatus':
      push.setToken(message.status);
      return;
    case 'pushDefaults':
      push.setDefaults(message.defaults);
      pushedRepo = message.defaults.pushedRepo;
      inference.suggestModel(pushedRepo ?? push.repoId());
      return;
    case 'pushProgress':
      push.setProgress(message.status);
      return;
    case 'pushResult':
      push.setResult(message.result);
      pushedRepo = message.result.repo;
      inference.suggestModel(pushedRepo);
      return;
    case 'pushError':
      push.setError(message.error);
      return;
    case 'inferenceRunning':
      inference.setRunning(message.model);
      return;
    case 'inferenceResult':
      inference.setResult(message.result);
      return;
    case 'inferenceError':
      inference.setError(message.error);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // Only the host posts to this page, but the page shows untrusted text: check before acting.
  if (isHostMessage(event.data)) receive(event.data);
});

post({ type: 'ready' });
