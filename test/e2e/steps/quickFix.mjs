// E2E helper (issue 20, quick fixes): opens the quick-fix menu with Ctrl+. where a problem is, as a
// user does on a squiggle, photographs it, and picks one fix by its title. Step 2 fixes the job
// file's unquoted version with it.

import { JourneyError } from '../workbench.mjs';

const MENU = '.action-widget';
const ROW = `${MENU} .monaco-list-row.action`;

/**
 * Puts the cursor at line:column of the active editor, opens the quick-fix menu (Ctrl+.) and returns
 * the titles it lists; `pick` then chooses one. The menu is photographed as `quick-fix-menu`.
 * @param {import('../journey.mjs').Journey} j
 * @param {{ line: number, column: number, pick: string }} at
 * @returns {Promise<string[]>} the menu's titles, in its order
 */
export async function applyQuickFix(j, { line, column, pick }) {
  const { wb, page } = j;
  await wb.goToLine(line, column);
  const menu = page.locator(ROW).first();
  for (let attempt = 1; ; attempt++) {
    // Ctrl+. reaches the editor only when it has the focus (a closing quick input gives it back late).
    if (!(await wb.activeEditor().evaluate((el) => el.classList.contains('focused')))) await wb.runCommand('View: Focus Active Editor Group');
    await page.keyboard.press('Control+.');
    const shown = await menu.waitFor({ state: 'visible', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt >= 3) throw new JourneyError(`Ctrl+. at ${line}:${column} opened no quick-fix menu (3 tries)`);
    await page.keyboard.press('Escape');
  }
  // The menu lists what the providers answered; give a slow provider a moment to fill it.
  await page.waitForTimeout(300);
  const titles = (await page.locator(`${ROW} .title`).allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' ').trim());
  await j.shot('quick-fix-menu');
  const index = titles.indexOf(pick);
  if (index < 0) {
    await page.keyboard.press('Escape');
    throw new JourneyError(`the quick-fix menu at ${line}:${column} has no "${pick}" (it lists: ${titles.join(' | ') || 'nothing'})`);
  }
  // By keyboard, as the menu is made for (its rows never count as stable for a pointer click): the
  // first fix has the focus; Down moves it to the one to pick, Enter applies it.
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  const focused = await page.locator(`${ROW}.focused`).getAttribute('aria-label');
  if (focused !== pick) {
    await page.keyboard.press('Escape');
    throw new JourneyError(`the quick-fix menu focused "${focused}" instead of "${pick}"`);
  }
  await page.keyboard.press('Enter');
  await page.locator(MENU).waitFor({ state: 'hidden', timeout: 5_000 });
  return titles;
}
