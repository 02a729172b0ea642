// README.md → sanitized DOM. The README is untrusted: anyone can write one, and ours quote metric names,
// hyperparameters and dataset names from the run. marked turns Markdown into HTML (raw HTML included, as
// on the Hub); DOMPurify then keeps only inert document markup. What survives: text, headings, lists,
// tables, code, quotes, details, and links to http(s)/mailto/#fragments. What does not: scripts, event
// handlers, javascript:/data: URLs, iframes, objects, forms, SVG/MathML, style elements and attributes,
// classes and ids (no spoofing the page's own controls, no DOM clobbering), data-* attributes (no
// spoofing the test hooks). Images are replaced by their alt text (and a link when their source is
// https): loading them would reach the network from the page, which the CSP forbids anyway.

import DOMPurify from 'dompurify';
import type { Config } from 'dompurify';
import { Marked } from 'marked';
import { h } from './dom';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

const SANITIZE: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style', 'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'link', 'meta', 'base',
    'form', 'input', 'button', 'textarea', 'select', 'option', 'video', 'audio', 'source', 'track', 'picture',
    'canvas', 'template', 'dialog', 'noscript', 'portal',
  ],
  FORBID_ATTR: ['style', 'class', 'id', 'name', 'srcset', 'ping', 'target', 'formaction', 'autofocus', 'tabindex', 'contenteditable', 'popover', 'slot', 'is'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: true,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  SANITIZE_NAMED_PROPS: true,
  RETURN_DOM_FRAGMENT: true,
};

/** The README body (front matter already removed by the host) as a sanitized fragment. */
export function renderCardMarkdown(text: string): DocumentFragment {
  const html = markdown.parse(text, { async: false });
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
