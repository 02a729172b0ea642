// The in-page half of the dashboard's drawing benchmark (bench/dashboardRender.ts), loaded as a Playwright
// init script, so it runs before the page's own script, outside the page's Content-Security-Policy.
// What it stands in for, and nothing more:
//   - acquireVsCodeApi, which VS Code gives a webview: the page's posts are kept (the bench waits for
//     `ready`, as the host does), its state is kept in memory;
//   - the host's postMessage: the messages the host posted, each sent with window.postMessage, so the page
//     receives each as its own task with the data structured-cloned, as a webview does;
//   - the theme's --vscode-* variables and body class, which VS Code sets on every webview.
// It records every long task (> 50 ms, PerformanceObserver 'longtask', buffered) and, per update, the time
// from the post to the end of the animation frame that drew the last chart it changed (a
// requestAnimationFrame callback asked for after the page's own message handler ran, so it runs after the
// page's draw in the same frame, asked for again while a chart is still aria-busy, waiting for its turn).
(() => {
  const fromPage = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => fromPage.push(message),
    getState: () => state,
    setState: (next) => {
      state = next;
    },
  });

  const longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  // The Dark Modern theme's values of what the dashboard's stylesheet and charts read.
  const THEME = {
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editorWidget-border': '#313131',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#cca700',
  };

  let messages = [];
  let dispatched = 0;
  let sent = 0;
  const waiting = new Map();
  const post = (message) => {
    sent++;
    window.postMessage(message, '*');
  };
  /** Posts a message and resolves with the ms from the post to the end of the animation frame that drew it. */
  const postAndDraw = (message) =>
    new Promise((resolve) => {
      waiting.set(sent + 1, (at) => resolve(at - started));
      const started = performance.now();
      post(message);
    });
  const idle = () => new Promise((resolve) => setTimeout(resolve, 0));
  // Long-task entries are delivered after the task: give the observer a moment.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
  /** What the page shows: each chart's label (lines and point counts), legends, progress table, and pixels. */
  const shown = () => ({
    text: [...document.querySelectorAll('[data-testid="chart"]')].map(
      (c) => `${c.querySelector('canvas')?.getAttribute('aria-label')} | ${[...c.querySelectorAll('[data-testid="series-label"]')].map((l) => l.textContent).join(', ')}`,
    ),
    progress: document.querySelector('[data-testid="progress"]')?.textContent ?? '',
    pixels: [...document.querySelectorAll('canvas')].map((c) => c.toDataURL()),
  });
  let afterStream;
  const tasksIn = (from, to) => longTasks.filter((t) => t.start >= from && t.start < to).map((t) => Math.round(t.duration * 10) / 10);

  window.__dashboardBench = {
    /** Whether the page script ran and said `ready`. */
    ready: () => fromPage.some((m) => m && m.type === 'ready'),
    /** The host's posts, as JSON: { polls: [[message, …] per poll], reopen: snapshot message }. */
    load(json) {
      messages = JSON.parse(json);
      return messages.polls.length;
    },
    /** Every poll's messages, the next poll's as soon as the page has drawn the last. */
    async stream() {
      for (const [k, v] of Object.entries(THEME)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add('vscode-dark');
      // Registered now, after the page's own listener: it runs after the page has handled each message.
      window.addEventListener('message', () => {
        dispatched++;
        const done = waiting.get(dispatched);
        if (done) {
          waiting.delete(dispatched);
          // The page draws a few charts a frame; a chart waiting for its turn is aria-busy.
          const drawn = () => {
            if (document.querySelector('[data-testid="chart"][aria-busy="true"]')) requestAnimationFrame(drawn);
            else done(performance.now());
          };
          requestAnimationFrame(drawn);
        }
      });
      const updateMs = [];
      const start = performance.now();
      for (const poll of messages.polls) {
        for (const message of poll) {
          if (message.type === 'update' || message.type === 'snapshot') updateMs.push(await postAndDraw(message));
          else post(message);
        }
        await idle();
      }
      await idle();
      const end = performance.now();
      await settle();
      return { updateMs, ms: end - start, longTasks: tasksIn(start, end) };
    },
    /** The panel reopened on the finished job (or restored after a reload): one snapshot with every point. */
    async reopen() {
      const start = performance.now();
      const ms = await postAndDraw(messages.reopen);
      await idle();
      const end = performance.now();
      await settle();
      return { ms, longTasks: tasksIn(start, end) };
    },
    /** Called between stream() and reopen(), outside the measured windows (encoding the canvases takes a while). */
    keepShown() {
      afterStream = shown();
    },
    /** After reopen(): the snapshot's page must show what the updates built up, to the pixel. */
    compare() {
      const reopened = shown();
      const same = (key) => JSON.stringify(afterStream[key]) === JSON.stringify(reopened[key]);
      const differs = ['text', 'progress', 'pixels'].filter((key) => !same(key));
      return { charts: reopened.pixels.length, chartLabels: reopened.text, differs, afterStream: differs.length ? afterStream.text : [] };
    },
  };
})();
