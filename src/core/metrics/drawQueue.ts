// Which charts an animation frame draws (the Job dashboard page, docs/PERFORMANCE.md "Job dashboard").
// Drawing every changed chart in one frame made one long task of it: eight 16-line charts cost 30-odd ms of
// script plus, in the same task, Chromium's commit of every redrawn canvas. The page instead queues the
// charts that need drawing and draws from the front of the queue until a frame's time budget is spent, at
// least one chart a frame, so the queue always moves.
//
// A chart keeps its place while it waits: new data for it does not send it to the back (the charts that
// change on every update would otherwise starve those that wait), and as the draw reads the chart's lines
// when it runs, a waiting chart is drawn with the newest data it has, never an older one. Pure: the page
// passes its clock and its draw function, so test/unit/drawQueue.test.ts drives it without a browser.

export class DrawQueue<T> {
  /** Insertion-ordered: the front is the item that has waited longest. */
  private readonly waiting = new Set<T>();

  /** Queues an item for drawing; one already waiting keeps its place. */
  add(item: T): void {
    this.waiting.add(item);
  }

  /** Takes an item out of the queue (its chart left the page). */
  remove(item: T): void {
    this.waiting.delete(item);
  }

  has(item: T): boolean {
    return this.waiting.has(item);
  }

  /** How many items wait. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * One frame's drawing: takes items from the front and draws each while the frame's cost stays under
   * `budgetMs`, and at least one item. The cost is the time passed on `now` since the frame began plus
   * `afterEachMs` for every item drawn: what each costs later in the same task, out of the draw's sight
   * (the browser's commit of a redrawn canvas). An item queued again while the frame draws (by its own
   * draw or another's) waits for a later frame. Returns the items drawn, in order.
   */
  drawFrame(draw: (item: T) => void, budget: { budgetMs: number; afterEachMs?: number }, now: () => number): T[] {
    const start = now();
    const drawn: T[] = [];
    for (const item of [...this.waiting]) {
      if (drawn.length > 0 && now() - start + drawn.length * (budget.afterEachMs ?? 0) >= budget.budgetMs) break;
      // A draw may have removed a later item (its chart left the page).
      if (!this.waiting.has(item)) continue;
      this.waiting.delete(item);
      drawn.push(item);
      draw(item);
    }
    return drawn;
  }
}
