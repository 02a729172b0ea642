// README.md → sanitized DOM. The README is untrusted: anyone can write one, and ours quote metric names,
// hyperparameters and dataset names from the run.
//
// Two layers. First, raw HTML inside the Markdown never reaches a browser parser as markup: marked's
// `html` renderer escapes it, keeping only a short list of formatting tags, rebuilt without attributes
// (plus `<a href="http(s)://…">`). This is not only defence in depth: Chromium reports a CSP violation
// as soon as *any* parser, even DOMParser's inert document, meets an inline event handler, a style
// attribute or a <base>, and the card must render without a single violation. Second, marked's output
// goes through DOMPurify, which keeps only inert document markup: no scripts, event handlers,
// javascript:/data: URLs (Markdown links can still produce those), iframes, objects, forms, SVG/MathML,
// styles, classes or ids (no spoofing the page's controls, no DOM clobbering), no data-* attributes (no
// spoofing the test hooks). Images are replaced by their alt text, with a link when the source is
// https: loading them would reach the network from the page, which the CSP forbids anyway.

import DOMPurify from 'dompurify';
import type { Config } from 'dompurify';
import { Marked } from 'marked';
import { h } from './dom';
import { inertRawHtml } from './inertHtml';

const markdown = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }) => inertRawHtml(text),
  },
});

const SANITIZE: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'script',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'link',
    'meta',
    'base',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'canvas',
    'template',
    'dialog',
    'noscript',
    'portal',
  ],
  FORBID_ATTR: ['style', 'class', 'id', 'name', 'srcset', 'ping', 'target', 'formaction', 'autofocus', 'tabindex', 'contenteditable', 'popover', 'slot', 'is'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: true,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  SANITIZE_NAMED_PROPS: true,
  RETURN_DOM_FRAGMENT: true,
};

/** The README body (front matter already removed by the host) as a sanitized fragment, not yet in the page. */
export function renderCardMarkdown(text: string): DocumentFragment {
  const html = markdown.parse(text, { async: false });
  // The fragment belongs to DOMPurify's inert document: nothing in it loads until it is inserted.
  const fragment = DOMPurify.sanitize(html, SANITIZE) as unknown as DocumentFragment;
  for (const img of Array.from(fragment.querySelectorAll('img'))) img.replaceWith(imagePlaceholder(img));
  for (const a of Array.from(fragment.querySelectorAll('a'))) {
    const href = a.getAttribute('href');
    if (href && /^https?:/i.test(href)) a.setAttribute('title', href);
  }
  return fragment;
}

function imagePlaceholder(img: HTMLImageElement): HTMLElement {
  const src = img.getAttribute('src') ?? '';
  const alt = img.getAttribute('alt')?.trim() || 'image';
  const label = `[image: ${alt}]`;
  if (/^https:\/\//i.test(src)) return h('a', { className: 'image-placeholder', attrs: { href: src, title: src } }, label);
  return h('span', { className: 'image-placeholder' }, label);
}
