// The e2e step of issue 18 (what it costs): the launched job's cost on its row and in its "Cost" node
// (instance time, the price with its source and date), then "Clean Up…" listing what ended jobs left in
// S3 with sizes and the monthly cost. Nothing is deleted: the list is dismissed.
import { JourneyError, expect } from '../workbench.mjs';
import { delay } from '../vscodeSession.mjs';

/** @param {import('../journey.mjs').Journey} j */
export async function costInTreeAndCleanUp(j) {
  const { wb, page } = j;
  const jobName = j.jobName;
  if (!jobName) throw new JourneyError('needs the job launched in step 2 (run the whole journey, or --only with 2 and 3)');
  await wb.hidePanel();
  await wb.showViewContainer('SageMaker HF');
  await wb.setSideBarWidth(620);
  const row = wb.treeRow(jobName);
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  // Expanding the job describes and prices it: the row gains its figure and a "Cost" node.
  const rowLabel = async () => (await wb.treeRows()).find((r) => r.label.startsWith(`${jobName} `))?.label ?? '';
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  // The job's own "Cost" node: the first row after the job's one level deeper (a local job above has its own).
  const costLabel = async () => {
    const all = await wb.treeRows();
    const at = all.findIndex((r) => r.label.startsWith(`${jobName} `));
    return at < 0 ? undefined : all.slice(at + 1).find((r) => r.level === all[at].level + 1 && r.label.startsWith('Cost '))?.label;
  };
  const costDeadline = Date.now() + 20_000;
  while (!(await costLabel()) && Date.now() < costDeadline) await delay(300);
  const found = await costLabel();
  if (!found) throw new JourneyError(`${jobName} shows no Cost node once expanded`);
  const costRow = page.locator(`.part.sidebar .pane-body .monaco-list-row[aria-label="${found.replace(/"/g, '\\"')}"]`).first();
  if ((await costRow.getAttribute('aria-expanded')) !== 'true') await costRow.click();
  await wb.treeRow('Price').waitFor({ state: 'visible', timeout: 10_000 });
  const deadline = Date.now() + 10_000;
  while (!/\$\d/.test(await rowLabel()) && Date.now() < deadline) await delay(300);
  const label = await rowLabel();
  expect(/^\S+ Completed · \$[\d,]+\.\d{2} · /.test(label), `the completed job's row shows no cost after its status: "${label}"`);
  const rows = await wb.treeRows();
  const cost = (await costLabel()) ?? '';
  const instances = rows.find((r) => r.label.startsWith('Instances '))?.label ?? '';
  const price = rows.find((r) => r.label.startsWith('Price '))?.label ?? '';
  expect(/\$[\d,]+\.\d{2}/.test(cost), `the Cost node reads "${cost}"`);
  expect(/2 × ml\.p3dn\.24xlarge × .* billable at \$[\d.]+\/hour/.test(instances), `the Instances line reads "${instances}"`);
  expect(/(AWS Price List API|bundled price table).*(published|as of) \d{4}/.test(price), `the price names no source and date: "${price}"`);
  await j.shot('cost-in-tree');

  await wb.runCommand('SageMaker HF: Clean Up…');
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: /^Clean Up: / });
  await title.waitFor({ state: 'visible', timeout: 30_000 });
  const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: jobName }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  const heading = (await title.innerText()).trim();
  const itemText = (await item.innerText()).replace(/\s+/g, ' ').trim();
  expect(/deletable, \$[\d.,]+\/month$/.test(heading), `the Clean Up title reads "${heading}"`);
  expect(
    /model output: s3:\/\/.*\/output\/ \(/.test(itemText) && /source: s3:\/\/.*sourcedir\.tar\.gz/.test(itemText),
    `the Clean Up item lists no model output or source: "${itemText}"`,
  );
  await j.shot('clean-up-list');
  await wb.dismissQuickInput();
  return `row "${label.slice(jobName.length + 1)}"; ${cost}; ${price.slice(0, 80)}; Clean Up: "${heading}"`;
}
