/**
 * The Training Jobs view lets several rows be selected (Compare Runs). VS Code then calls a row's command
 * with the clicked row and, second, every selected row. A command that acts on one job takes the clicked
 * row only: its second parameter (Stop Job's `{ confirmed }`, Open Dashboard's origin) never receives the
 * selection. Kept free of `vscode` so a unit test can hold it.
 */
export function clickedRowOnly(args: readonly unknown[]): unknown[] {
  const [clicked, selection] = args;
  if (args.length >= 2 && Array.isArray(selection) && clicked !== undefined && selection.includes(clicked)) return [clicked, ...args.slice(2)];
  return [...args];
}
