// What a user does in the VS Code workbench, as Playwright calls against code-server's DOM: the
// command palette, Quick Open, the editor (squiggles, hovers, completion), the Problems and Output
// panels, notifications, modal dialogs, tree views and webviews.
//
// Selectors are VS Code 1.100's (code-server 4.100.3). They are kept here, in one place, so that an
// upgrade that renames a class breaks one helper rather than every step.
import * as fs from 'node:fs';
import { extensionId } from './vscodeSession.mjs';

export class JourneyError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'JourneyError';
  }
}

/** Throws a JourneyError with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new JourneyError(message);
}

const ROW = '.monaco-list-row';
const QUICK_INPUT = '.quick-input-widget';

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  // ── Commands and Quick Open ────────────────────────────────────────────────

  /** Runs a command from the palette (F1) by its full title, "Category: Title". */
  async runCommand(title, { timeout = 10_000 } = {}) {
    const { page } = this;
    const input = page.locator(`${QUICK_INPUT} input`);
    // The palette closes when focus moves away from it, e.g. to a panel a command has just asked
    // to show. A fill into a palette that closed under it would wait for its whole timeout, so the
    // palette is opened again, up to three times.
    for (let attempt = 1; ; attempt++) {
      await this.dismissQuickInput();
      await this.focusWorkbench();
      await page.keyboard.press('F1');
      // F1 can be swallowed (a webview that just lost focus); the title bar's command center opens the same box.
      if (
        !(await input.waitFor({ state: 'visible', timeout: 3_000 }).then(
          () => true,
          () => false,
        ))
      ) {
        await page.locator('.command-center .search-label, .command-center-center').first().click();
        await input.waitFor({ state: 'visible', timeout });
      }
      const filled = await input.fill(`>${title}`, { timeout: 5_000 }).then(
        () => true,
        (err) => (attempt < 3 ? false : Promise.reject(err)),
      );
      if (filled) break;
    }
    // The palette's aria-label is the title, then ", <keybinding>" or ", similar commands".
    const row = page
      .locator(`${QUICK_INPUT} ${ROW}`)
      .filter({ has: page.locator('.label-name', { hasText: exactly(title) }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout });
    } catch {
      const offered = await page.locator(`${QUICK_INPUT} ${ROW}`).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      await page.keyboard.press('Escape');
      throw new JourneyError(`the command palette does not offer "${title}" (it offers: ${offered.join(' | ') || 'nothing'})`);
    }
    await row.click();
    await this.restMouse();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(relativePath, { timeout = 15_000 } = {}) {
    const { page } = this;
    await this.dismissQuickInput();
    await this.focusWorkbench();
    await page.keyboard.press('Control+P');
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(relativePath);
    const name = relativePath.split('/').pop();
    const folder = relativePath.split('/').slice(0, -1).join('/');
    // Several folders hold a file of the same name: match the folder shown beside it too.
    const row = page
      .locator(`${QUICK_INPUT} ${ROW}`)
      .filter({ has: page.locator('.label-name', { hasText: exactly(name) }) })
      .filter({ has: page.locator('.label-description', { hasText: exactly(folder) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
    await this.restMouse();
    await this.activeEditorTab(name).waitFor({ timeout });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout });
  }

  /** Takes the keyboard back from a webview: keys typed into its iframe never reach the workbench. */
  async focusWorkbench() {
    await this.page.evaluate(() => {
      if (document.activeElement?.tagName === 'IFRAME') document.activeElement.blur();
    });
  }

  async dismissQuickInput() {
    const widget = this.page.locator(QUICK_INPUT);
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
  }

  // ── Editors ────────────────────────────────────────────────────────────────

  /** The text editor of the active editor group. */
  activeEditor() {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  activeEditorTab(name) {
    return this.page.locator('.editor-group-container.active .tab.active', { hasText: name });
  }

  /** The editor of the tab titled `name`, in whichever group shows it. */
  editorShowing(name) {
    return this.page
      .locator('.editor-group-container', { has: this.page.locator('.tab.active', { hasText: name }) })
      .locator('.editor-instance .monaco-editor')
      .first();
  }

  /** Puts the cursor at line:column of the active editor (Ctrl+G). */
  async goToLine(line, column) {
    const { page } = this;
    // Not a click into the text: Playwright would scroll Monaco's DOM to reach the element, which
    // blanks the editor, and a click can land on a CodeLens or a link.
    await this.runCommand('View: Focus Active Editor Group');
    await page.keyboard.press('Control+G');
    await page.locator(`${QUICK_INPUT} input`).waitFor({ state: 'visible' });
    await page.keyboard.type(column ? `${line}:${column}` : `${line}`);
    await page.keyboard.press('Enter');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  }

  /** The rendered text of one line of an editor; the line must be on screen. */
  async lineText(editor, lineNumber) {
    return editor.evaluate((root, n) => {
      const numbers = [...root.querySelectorAll('.line-numbers')];
      const label = numbers.find((el) => el.textContent.trim() === String(n));
      if (!label) return undefined;
      const y = label.getBoundingClientRect().top + 2;
      const line = [...root.querySelectorAll('.view-line')].find((el) => {
        const r = el.getBoundingClientRect();
        return r.top <= y && y < r.bottom;
      });
      return line?.textContent.replace(/\u00a0/g, ' ');
    }, lineNumber);
  }

  /**
   * Squiggles of the editor as the user sees them: severity, the line (from the gutter beside it)
   * and the column where the wavy line starts (the character under its left end).
   */
  async squiggles(editor) {
    return editor.evaluate((root) => {
      const numbers = [...root.querySelectorAll('.line-numbers')].map((el) => ({ n: Number(el.textContent.trim()), r: el.getBoundingClientRect() }));
      const lines = [...root.querySelectorAll('.view-line')];
      return [...root.querySelectorAll('.squiggly-error, .squiggly-warning, .squiggly-info')].map((el) => {
        const r = el.getBoundingClientRect();
        const y = r.top + r.height / 2;
        const line = numbers.find((l) => l.r.top <= y && y < l.r.bottom)?.n;
        const viewLine = lines.find((l) => {
          const b = l.getBoundingClientRect();
          return b.top <= y && y < b.bottom;
        });
        let column;
        const caret = document.caretRangeFromPoint(r.left + 1, y);
        if (viewLine && caret && viewLine.contains(caret.startContainer)) {
          const before = document.createRange();
          before.setStart(viewLine, 0);
          before.setEnd(caret.startContainer, caret.startOffset);
          column = before.toString().length + 1;
        }
        const severity = /squiggly-(error|warning|info)/.exec(el.className)[1];
        return { severity, line, column, box: { x: r.left, y: r.top, width: r.width, height: r.height } };
      });
    });
  }

  /**
   * A point where the pointer is over the editor's text and nothing else: notifications cover the
   * bottom right of the window, hovers and widgets float over the text.
   */
  async pointOn(editor) {
    const point = await editor.evaluate((el) => {
      const r = el.querySelector('.lines-content')?.parentElement?.getBoundingClientRect() ?? el.getBoundingClientRect();
      for (const [fx, fy] of [
        [0.25, 0.25],
        [0.25, 0.5],
        [0.5, 0.25],
        [0.1, 0.1],
        [0.5, 0.5],
        [0.25, 0.75],
      ]) {
        const x = r.left + r.width * fx;
        const y = r.top + r.height * fy;
        const hit = document.elementFromPoint(x, y);
        if (hit && el.contains(hit) && !hit.closest('.overlayWidgets, .contentWidgets')) return [x, y];
      }
      return undefined;
    });
    expect(point, 'every point of the editor is covered (by notifications or widgets)');
    return point;
  }

  /** Squiggles once the editor's layout has stopped moving (CodeLens and decorations arrive late). */
  async settledSquiggles(editor, { timeout = 5_000 } = {}) {
    const deadline = Date.now() + timeout;
    let previous = JSON.stringify(await this.squiggles(editor));
    for (;;) {
      await this.page.waitForTimeout(300);
      const now = await this.squiggles(editor);
      if (JSON.stringify(now) === previous || Date.now() > deadline) return now;
      previous = JSON.stringify(now);
    }
  }

  /** Moves the mouse over a point and returns the text of the hover that appears. */
  async hoverAt(x, y, { timeout = 8_000 } = {}) {
    const { page } = this;
    await page.mouse.move(x - 40, y - 40);
    await page.mouse.move(x, y, { steps: 4 });
    const hover = page
      .locator('.monaco-hover:not(.hidden)')
      .filter({ has: page.locator('.hover-contents, .hover-row') })
      .first();
    await hover.waitFor({ state: 'visible', timeout });
    // The hover fills in as its providers answer; let it settle.
    await page.waitForTimeout(400);
    return (await hover.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Hovers the first token of the line that starts with `startsWith` (e.g. a key). */
  async hoverToken(editor, startsWith) {
    const line = editor
      .locator('.view-line')
      .filter({ hasText: new RegExp(`^${escapeRegExp(startsWith)}`) })
      .first();
    const token = line.locator('span > span').first();
    const box = await token.boundingBox();
    expect(box, `no line starting with "${startsWith}" is on screen`);
    return this.hoverAt(box.x + Math.min(box.width / 2, 30), box.y + box.height / 2);
  }

  async moveMouseAway() {
    await this.restMouse();
    await this.page.keyboard.press('Escape');
  }

  /**
   * Parks the pointer on an empty stretch of the activity bar, so that no tooltip (a tab's path, an
   * action's title) stays open over what the next step reads or shows in its screenshot.
   */
  async restMouse() {
    const { height } = this.page.viewportSize() ?? { height: 900 };
    await this.page.mouse.move(20, Math.round(height * 0.55));
  }

  /** Opens completion (Ctrl+Space) at the cursor and returns its rows: label and detail. */
  async triggerCompletion({ attempts = 3 } = {}) {
    const { page } = this;
    const widget = page.locator('.suggest-widget.visible');
    for (let attempt = 1; ; attempt++) {
      // Ctrl+Space reaches the editor only when it has the focus (a closing quick input gives it back late).
      if (!(await this.activeEditor().evaluate((el) => el.classList.contains('focused')))) await this.runCommand('View: Focus Active Editor Group');
      await page.keyboard.press('Control+Space');
      if (
        await widget
          .locator(ROW)
          .first()
          .waitFor({ state: 'visible', timeout: 4_000 })
          .then(
            () => true,
            () => false,
          )
      )
        break;
      if (attempt >= attempts) throw new JourneyError(`Ctrl+Space opened no completion list (${attempts} tries)`);
      await page.keyboard.press('Escape');
    }
    await page.waitForTimeout(300);
    return widget.locator(ROW).evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector('.label-name')?.textContent ?? '',
        detail: (row.querySelector('.details-label')?.textContent ?? '').replace(/\u00a0/g, ' '),
        focused: row.classList.contains('focused'),
      })),
    );
  }

  /**
   * Every line of a (possibly long) editor, read by scrolling it from top to bottom with the mouse
   * wheel, since the editor only renders the lines on screen. Leaves the editor scrolled to the end.
   */
  async readAllLines(editor) {
    const { page } = this;
    const box = await editor.boundingBox();
    expect(box, 'the editor to read is not on screen');
    await page.mouse.move(...(await this.pointOn(editor)));
    const scrollTop = () => editor.locator('.lines-content').evaluate((el) => el.style.top);
    let previous;
    for (let i = 0; i < 200; i++) {
      const now = await scrollTop();
      if (now === previous) break;
      previous = now;
      await page.mouse.wheel(0, -4000);
      await page.waitForTimeout(50);
    }
    const lines = new Map();
    previous = undefined;
    for (let i = 0; i < 500; i++) {
      const visible = await editor.locator('.view-line').evaluateAll((els) => els.map((el) => [parseFloat(el.style.top), el.textContent.replace(/\u00a0/g, ' ')]));
      for (const [top, text] of visible) lines.set(top, text);
      const now = await scrollTop();
      if (now === previous) break;
      previous = now;
      await page.mouse.wheel(0, Math.max(100, box.height * 0.7));
      await page.waitForTimeout(50);
    }
    await this.restMouse();
    return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
  }

  async scrollToTop(editor) {
    await this.page.mouse.move(...(await this.pointOn(editor)));
    for (let i = 0; i < 50; i++) {
      const top = await editor.locator('.lines-content').evaluate((el) => el.style.top);
      if (top === '0px' || top === '') break;
      await this.page.mouse.wheel(0, -4000);
      await this.page.waitForTimeout(50);
    }
    await this.restMouse();
  }

  // ── Panels ─────────────────────────────────────────────────────────────────

  /** The rows of the Problems panel (opens it): what its aria-labels say, e.g. "Error: … at line 18 and character 18. …". */
  async problems() {
    const { page } = this;
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(() => page.keyboard.press('Control+Shift+M'));
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(500);
    return panel.locator(ROW).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  async hidePanel() {
    if (await this.page.locator('.part.panel').isVisible()) await this.runCommand('View: Hide Panel');
  }

  /** The channel the Output panel shows, and its editor. */
  outputEditor() {
    return this.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').locator('.monaco-editor').first();
  }

  async outputChannelName() {
    return this.page
      .locator('.part.panel .monaco-select-box')
      .first()
      .evaluate((el) => el.options?.[el.selectedIndex]?.text ?? el.value);
  }

  // ── Notifications and dialogs ──────────────────────────────────────────────

  /**
   * Records every notification toast the page shows from now on, with whether a progress bar ran in
   * it, so that a progress notification that lives half a second is still seen.
   */
  async recordNotifications() {
    await this.page.evaluate(() => {
      if (window.__e2eToasts) return;
      const seen = [];
      window.__e2eToasts = seen;
      const collect = () => {
        for (const toast of document.querySelectorAll('.notifications-toasts .notification-toast')) {
          const text = toast.querySelector('.notification-list-item-message')?.textContent ?? '';
          const progress = !!toast.querySelector('.monaco-progress-container.active');
          const last = seen.findLast((s) => s.text === text);
          if (!last || (progress && !last.progress)) seen.push({ text, progress, at: Date.now() });
        }
      };
      new MutationObserver(collect).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
      collect();
    });
  }

  /** Notifications recorded since `since` (a Date.now() of the page). */
  async notificationsSeen(since = 0) {
    return this.page.evaluate((t) => (window.__e2eToasts ?? []).filter((s) => s.at >= t), since);
  }

  async pageNow() {
    return this.page.evaluate(() => Date.now());
  }

  /** The visible toast whose message matches `pattern`. */
  toast(pattern) {
    return this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: pattern }) })
      .first();
  }

  async waitForToast(pattern, { timeout = 30_000 } = {}) {
    const toast = this.toast(pattern);
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.locator('.notification-list-item-message').innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Clicks a button of a notification: on its toast, or in the notification center when the toast
   * has already been hidden (toasts without progress hide after a while, notifications stay).
   */
  async clickToastButton(pattern, button) {
    const { page } = this;
    const toast = this.toast(pattern);
    if (await toast.isVisible()) {
      await toast.locator('.monaco-button', { hasText: button }).first().click();
      return;
    }
    await this.runCommand('Notifications: Show Notifications');
    const center = page.locator('.notifications-center');
    const item = center
      .locator('.notification-list-item')
      .filter({ has: page.locator('.notification-list-item-message', { hasText: pattern }) })
      .first();
    await item.waitFor({ state: 'visible', timeout: 5_000 });
    await item.locator('.monaco-button', { hasText: button }).first().click();
    const hide = center.locator('.notifications-center-header .action-label[aria-label^="Hide Notifications"]');
    if (await hide.isVisible()) await hide.click();
  }

  /** Whether a notification matching `pattern` is shown, as a toast or in the notification center. */
  async hasNotification(pattern) {
    if (await this.toast(pattern).isVisible()) return true;
    return this.page.evaluate((source) => {
      const re = new RegExp(source);
      return (window.__e2eToasts ?? []).some((t) => re.test(t.text));
    }, pattern.source);
  }

  async clearNotifications() {
    if ((await this.page.locator('.notifications-toasts .notification-toast').count()) > 0) {
      await this.runCommand('Notifications: Clear All Notifications');
    }
  }

  dialog() {
    return this.page.locator('.monaco-dialog-box');
  }

  // ── Walkthroughs (the Welcome page's "Get Started" steps) ────────────────────

  /** Opens a walkthrough by its title through Welcome: Open Walkthrough…, and waits for its steps. */
  async openWalkthrough(title, { timeout = 15_000 } = {}) {
    const { page } = this;
    await this.runCommand('Welcome: Open Walkthrough...');
    // The picker's rows read "<title>, <extension>, <description>".
    const row = page
      .locator(`${QUICK_INPUT} ${ROW}`)
      .filter({ has: page.locator('.label-name', { hasText: exactly(title) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
    await page.locator('.getting-started-step').first().waitFor({ state: 'visible', timeout });
  }

  /** A step of the open walkthrough, by its title. */
  walkthroughStep(title) {
    return this.page.locator('.getting-started-step').filter({ has: this.page.locator('.step-title', { hasText: exactly(title) }) });
  }

  /** Expands a step (only the expanded one shows its buttons) and clicks its button `label`. */
  async clickWalkthroughButton(stepTitle, label, { timeout = 10_000 } = {}) {
    const step = this.walkthroughStep(stepTitle);
    const button = step.locator('a.monaco-button', { hasText: exactly(label) });
    if (!(await button.isVisible())) await step.locator('.step-title').click();
    await button.waitFor({ state: 'visible', timeout });
    await button.click();
    await this.restMouse();
  }

  /** Whether the walkthrough shows the step as done (its completion event fired). */
  async walkthroughStepDone(stepTitle) {
    return (await this.walkthroughStep(stepTitle).locator('.codicon-getting-started-step-checked').count()) > 0;
  }

  /** Answers the quick pick titled `title` with the item labelled `label` (typed, so a long list needs no scrolling). */
  async chooseQuickPickItem(title, label, { timeout = 10_000 } = {}) {
    const { page } = this;
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: exactly(title) }).waitFor({ state: 'visible', timeout });
    await page.locator(`${QUICK_INPUT} input`).fill(label);
    const row = page.locator(`${QUICK_INPUT} ${ROW}[aria-label="${label}"]`).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout });
  }

  // ── Views ──────────────────────────────────────────────────────────────────

  /** Shows a view container of the activity bar (clicking it again would hide it). */
  async showViewContainer(title) {
    const item = this.page
      .locator('.activitybar .action-item')
      .filter({ has: this.page.locator(`.action-label[aria-label^="${title}"]`) })
      .first();
    if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.locator('.action-label').click();
    await this.page.locator('.part.sidebar').waitFor({ state: 'visible' });
  }

  /** Drags the side bar's edge so that it is `width` pixels wide (long job names stay readable). */
  async setSideBarWidth(width) {
    const { page } = this;
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (!bar || Math.abs(bar.width - width) < 8) return;
    const edge = bar.x + bar.width;
    const sash = page.locator('.monaco-sash.vertical').filter({ visible: true });
    const boxes = await sash.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()));
    const near = boxes.find((b) => Math.abs(b.x + b.width / 2 - edge) < 6 && b.height > 200);
    if (!near) return;
    const y = near.y + near.height / 2;
    await page.mouse.move(edge, y);
    await page.mouse.down();
    await page.mouse.move(bar.x + width, y, { steps: 8 });
    await page.mouse.up();
    await this.restMouse();
  }

  /** Rows of the side bar's trees: label (aria-label), depth and codicon classes of the item icon. */
  async treeRows() {
    return this.page.locator(`.part.sidebar .pane-body ${ROW}`).evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.getAttribute('aria-label') ?? '',
        level: Number(row.getAttribute('aria-level') ?? 0),
        icon: row.querySelector('.custom-view-tree-node-item-icon')?.className ?? '',
      })),
    );
  }

  treeRow(text) {
    return this.page.locator(`.part.sidebar .pane-body ${ROW}`).filter({ hasText: text }).first();
  }

  /** Clicks an inline action of a tree row (shown on hover). */
  async treeRowAction(text, action) {
    const row = this.treeRow(text);
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label="${action}"]`);
    await button.waitFor({ state: 'visible', timeout: 5_000 });
    await button.click();
    await this.restMouse();
  }

  /** Clicks an entry of a tree row's context menu. */
  async treeRowMenu(text, entry) {
    await this.contextMenu(this.treeRow(text), entry);
  }

  /**
   * Clicks an action of the side bar's title: with one view in the container VS Code shows the
   * view's actions in the container's title bar (and hides the view's own header).
   */
  async viewTitleAction(action) {
    const title = this.page.locator('.part.sidebar > .title');
    await title.hover();
    await title.locator(`.action-label[aria-label="${action}"]`).first().click();
    await this.restMouse();
  }

  /** Shows the Explorer in the side bar. */
  async showExplorer() {
    await this.runCommand('View: Show Explorer');
    await this.page.locator('.part.sidebar .explorer-folders-view').waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** The Explorer row of a top-level file or folder of the workspace, by its name. */
  explorerRow(name) {
    return this.page
      .locator(`.part.sidebar .explorer-folders-view ${ROW}`)
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) })
      .first();
  }

  /**
   * Right-clicks `row` and clicks `entry` of its context menu (the web workbench draws its own menus).
   * Until `timeout`, a menu without the entry is closed and opened again: right after start-up the
   * workbench may not have registered an extension's menu contributions yet.
   */
  async contextMenu(row, entry, { timeout = 5_000 } = {}) {
    const { page } = this;
    const item = page
      .locator('.context-view .monaco-menu .action-item')
      .filter({ has: page.locator('.action-label', { hasText: exactly(entry) }) })
      .first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await row.click({ button: 'right' });
      await page.locator('.context-view .monaco-menu').first().waitFor({ state: 'visible', timeout: 5_000 });
      if (
        await item.waitFor({ state: 'visible', timeout: 1_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      const offered = await page.locator('.context-view .monaco-menu .action-label').evaluateAll((els) => els.map((e) => e.textContent?.trim()).filter(Boolean));
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new JourneyError(`the context menu does not offer "${entry}" (it offers: ${offered.join(' | ') || 'nothing'})`);
      await page.waitForTimeout(1_000);
    }
    // A context menu ignores a click that comes right after it opened (the right button's release).
    await page.waitForTimeout(400);
    await item.click();
    await this.restMouse();
  }

  /**
   * Answers the simple file dialog (code-server's showOpenDialog is a quick input) with a folder: types
   * its path and presses Enter, as a user would.
   */
  async pickFolder(folder, { timeout = 10_000 } = {}) {
    const { page } = this;
    const input = page.locator(`${QUICK_INPUT} input`);
    const rows = page.locator(`${QUICK_INPUT} ${ROW}`);
    const labels = async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).sort();
    // A folder dialog lists the folder's parent ("..") and subfolders: once it lists these, it has read
    // the typed folder, and Enter accepts it (before, Enter would act on the previous listing).
    const listing = [
      '..',
      ...fs
        .readdirSync(folder, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name),
    ].sort();
    const settled = async (value) => (await input.inputValue()) === value && JSON.stringify(await labels()) === JSON.stringify(listing);
    await input.waitFor({ state: 'visible', timeout });
    // The dialog fills in its default folder (or the nearest that exists) once it has read it: what is
    // typed before that ends up appended to it. Wait until its path has stayed the same for a moment.
    let seen = '';
    let since = Date.now();
    await this.#poll(
      async () => {
        const now = await input.inputValue();
        if (now !== seen) [seen, since] = [now, Date.now()];
        return now !== '' && (await rows.count()) > 0 && Date.now() - since >= 400;
      },
      timeout,
      async () => `the folder dialog did not settle on its default folder (it shows "${await input.inputValue()}")`,
    );
    const typed = `${folder.replace(/\/+$/, '')}/`;
    await input.fill(typed);
    await this.#poll(
      async () => {
        // Typed while the dialog was still filling in its own path after all: type it again.
        if ((await input.inputValue()) !== typed) await input.fill(typed);
        return settled(typed);
      },
      timeout,
      async () => `the folder dialog did not list ${typed} (it shows "${await input.inputValue()}" and lists ${(await labels()).join(', ')}: ${await this.#quickInputMessage()})`,
    );
    await page.keyboard.press('Enter');
    const closed = await page
      .locator(QUICK_INPUT)
      .waitFor({ state: 'hidden', timeout })
      .then(
        () => true,
        () => false,
      );
    if (!closed) throw new JourneyError(`Enter did not accept ${typed} in the folder dialog (it shows "${await input.inputValue()}": ${await this.#quickInputMessage()})`);
  }

  async #quickInputMessage() {
    return (
      (
        await this.page
          .locator(`${QUICK_INPUT} .quick-input-message`)
          .innerText()
          .catch(() => '')
      ).trim() || 'no message'
    );
  }

  async #poll(condition, timeoutMs, describe) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > deadline) throw new JourneyError(await describe());
      await this.page.waitForTimeout(100);
    }
  }

  /** A status bar item contributed by our extension, by its id. */
  statusBarItem(id) {
    return this.page.locator(`.statusbar-item[id="${extensionId}.${id}"]`);
  }

  // ── Webviews ───────────────────────────────────────────────────────────────

  /** The content frame of our extension's visible webview (the outer iframe is VS Code's host page). */
  ourWebview() {
    return this.page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).first().frameLocator('#active-frame');
  }

  // ── Screenshots ────────────────────────────────────────────────────────────

  async screenshot(file) {
    await this.page.screenshot({ path: file });
  }
}

/** A pattern matching exactly `text` (Playwright's hasText otherwise matches substrings). */
export function exactly(text) {
  return new RegExp(`^${escapeRegExp(text)}$`);
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
