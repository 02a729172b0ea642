/**
 * A read position over every log stream of one training job that hands out each CloudWatch event
 * exactly once and, within each stream, in order — whatever happens between polls.
 *
 * The tail reads with FilterLogEvents over the job's stream prefix: one query per poll, whatever
 * the number of hosts, paged with nextToken. The service sorts a query's events by timestamp (then
 * ingestion time, then request) and a token continues after the last event returned. The query can
 * only select by *event* timestamp, while events become visible in *ingestion* order: a host's agent
 * may deliver a line seconds (or, for a stream that just appeared, longer) after the time it
 * carries. So each poll re-reads an overlap behind what it has seen, and the cursor drops what it
 * has already handed out by eventId.
 *
 * Terms: a poll is one pass over the pages of one query started at `queryStart()`; Q1 is the moment
 * the service computed its first page; a stream's lines are written, and ingested, in order.
 *
 * Nothing is lost. Any event of the query's range ingested before Q1 is in some page. An event the
 * poll missed was therefore ingested after Q1. Every event any query returned so far was ingested
 * before the poll's last page was computed, so M, the largest ingestionTime returned, is at most
 * Q1 + D, where D is the poll's duration measured on this machine from the first request to the last
 * answer (a duration: no clock of ours is compared with AWS's). A missed event thus has
 * ingestionTime > M − D, and its timestamp is ingestionTime − lag, lag being how late its host
 * delivered it. The next poll starts at M − D − allowance, with the allowance at least the largest
 * lag (observed lags widen it), so the missed event is in its range.
 *
 * Nothing is handed out twice. An event is handed out only if its eventId is not in `seen`. `seen`
 * keeps every handed-out id whose timestamp is at or after the current start; older ids are dropped,
 * which is safe because no later query reaches back before the start, and an event the service
 * returns from before the start anyway is ignored.
 *
 * Each stream stays in order. Pages after the first are computed later than Q1, so they can hold a
 * stream's line ingested after Q1 while its predecessor, ingested after Q1 too but sorting before
 * the token, is missing. A line ingested no later than Q1 is safe: its predecessors were visible
 * for every page and sort before it, so they came in its page or an earlier one. The cursor knows a
 * lower bound of Q1: the largest ingestionTime of anything returned before this poll or on its
 * first page, and the service's clock as read before the poll began (`noteServiceTime`, from the
 * Date header of an earlier answer; `beginPoll` takes it in). Later pages' lines ingested after
 * that bound are held back — not marked seen, and the next start kept at or before them — and come,
 * in order, with the next poll, whose bound already covers them. Polls of one page (the usual
 * case), and catch-up reads of lines written before the tail began, hold nothing back.
 *
 * The limit: a line delivered more than the allowance after its timestamp, once the start has moved
 * past it, is lost. The allowance grows with the lags observed, up to `maxOverlapMs`.
 *
 * Pages are accepted whole or not at all, so a page that failed is simply asked for again; a poll
 * that cannot continue (an expired token) starts over with `beginPoll()`. The cursor's state is
 * plain JSON, so a tail can be detached and resumed later without gaps or repeats
 * (`state()` / `LogCursor.restore`).
 */

/** A FilterLogEvents event, as the SDK returns it (every field optional in the SDK's types). */
export interface CloudWatchLogEvent {
  eventId?: string;
  logStreamName?: string;
  timestamp?: number;
  ingestionTime?: number;
  message?: string;
}

/** One delivered log line, labelled with the host it came from. */
export interface LogLine {
  eventId: string;
  /** The CloudWatch stream, e.g. `my-job/algo-2-1617279600`. */
  stream: string;
  /** The host label, e.g. `algo-2`. */
  host: string;
  /** Milliseconds since the epoch, as the host stamped the line. */
  timestamp: number;
  ingestionTime?: number;
  message: string;
}

export interface OverlapSettings {
  /** The smallest overlap re-read behind each poll (covers delivery lag and the service's visibility delay). */
  overlapMs: number;
  /** Added to the largest observed lag when that exceeds `overlapMs`. */
  lagMarginMs: number;
  /** The overlap never grows beyond this, whatever lags are observed. */
  maxOverlapMs: number;
}

export interface LogCursorState {
  version: 1;
  /** Stream-name prefix, `{job}/`: events of other streams are ignored. */
  prefix: string;
  /** Where the next query starts (event timestamp, ms). */
  startTime: number;
  /** Delivered event ids with their timestamps, for those at or after `startTime`. */
  seen: Array<[string, number]>;
  /** The largest ingestionTime any query returned. */
  maxIngestionTime?: number;
  /** The service's clock, as last read from an answer (a lower bound of its time now). */
  serviceTime?: number;
  /** The largest ingestionTime - timestamp seen. */
  maxLagMs: number;
  /** Streams seen so far, in the order they first appeared. */
  streams: string[];
  delivered: number;
}

export interface LogCursorStats {
  /** Events handed out. */
  delivered: number;
  /** Events dropped because they had been handed out already (overlap re-reads, repeated pages). */
  duplicates: number;
  /** Events of streams outside the prefix (a service that ignores logStreamNamePrefix). */
  foreign: number;
  /** Events older than the query's start (a service that ignores startTime). */
  beforeStart: number;
  /** Events held back to the next poll to keep their stream's order. */
  heldBack: number;
  /** Polls completed. */
  polls: number;
}

export class LogCursor {
  private startTime: number;
  private readonly seen = new Map<string, number>();
  private maxIngestionTime: number | undefined;
  private maxLagMs: number;
  private readonly streamOrder: string[] = [];
  private readonly streamSet = new Set<string>();
  private readonly newStreams: string[] = [];
  readonly stats: LogCursorStats = { delivered: 0, duplicates: 0, foreign: 0, beforeStart: 0, heldBack: 0, polls: 0 };
  /** The poll under way: its page count, what its first page proves was visible, what it held back. */
  private poll = { page: 0, visibleUpTo: undefined as number | undefined, heldBackFrom: Number.POSITIVE_INFINITY, heldBack: 0 };
  private heldBackByLastPoll = 0;
  private serviceTime: number | undefined;

  constructor(
    readonly jobName: string,
    startTime: number,
    private readonly overlap: OverlapSettings,
  ) {
    this.startTime = Math.max(0, Math.floor(startTime));
    this.maxLagMs = 0;
  }

  /** A cursor that continues exactly where `state()` left off. */
  static restore(jobName: string, state: LogCursorState, overlap: OverlapSettings): LogCursor {
    if (state.version !== 1 || state.prefix !== streamPrefix(jobName)) {
      throw new LogCursorStateError(`This saved log position belongs to ${state.prefix || 'another job'}, not ${streamPrefix(jobName)}.`, { prefix: state.prefix, jobName });
    }
    const cursor = new LogCursor(jobName, state.startTime, overlap);
    for (const [id, ts] of state.seen) cursor.seen.set(id, ts);
    cursor.maxIngestionTime = state.maxIngestionTime;
    cursor.maxLagMs = state.maxLagMs;
    cursor.serviceTime = state.serviceTime;
    cursor.beginPoll();
    for (const s of state.streams) cursor.noteStream(s);
    cursor.newStreams.length = 0;
    cursor.stats.delivered = state.delivered;
    return cursor;
  }

  get prefix(): string {
    return streamPrefix(this.jobName);
  }

  /** The startTime of the next query. */
  queryStart(): number {
    return this.startTime;
  }

  /** How far behind the newest ingestion the next poll reaches. */
  allowanceMs(): number {
    return Math.min(this.overlap.maxOverlapMs, Math.max(this.overlap.overlapMs, this.maxLagMs + this.overlap.lagMarginMs));
  }

  /** Streams in the order they first delivered a line. */
  streams(): readonly string[] {
    return this.streamOrder;
  }

  /** Streams that appeared since the last call (host discovery for the caller). */
  takeNewStreams(): string[] {
    return this.newStreams.splice(0);
  }

  /**
   * The next page of the poll under way (a query that started at `queryStart()`): returns the
   * events not handed out before, stably ordered by timestamp (the service's order within a
   * timestamp is kept, which is each stream's order). Call only with a page that was received whole:
   * an accepted page is final.
   */
  acceptPage(events: readonly CloudWatchLogEvent[]): LogLine[] {
    const mine = events.filter((event) => {
      if (!(event.logStreamName ?? '').startsWith(this.prefix)) {
        this.stats.foreign++;
        return false;
      }
      if ((event.timestamp ?? 0) < this.startTime) {
        this.stats.beforeStart++;
        return false;
      }
      return true;
    });
    if (this.poll.page === 0) {
      // Everything on the first page was ingested before the service computed it.
      for (const event of mine) if (event.ingestionTime !== undefined) this.poll.visibleUpTo = Math.max(this.poll.visibleUpTo ?? event.ingestionTime, event.ingestionTime);
    }
    const fresh: LogLine[] = [];
    const occurrences = new Map<string, number>();
    for (const event of mine) {
      const timestamp = event.timestamp ?? 0;
      const id = event.eventId ?? syntheticId(event, occurrences);
      if (event.ingestionTime !== undefined) this.maxIngestionTime = Math.max(this.maxIngestionTime ?? event.ingestionTime, event.ingestionTime);
      if (this.seen.has(id)) {
        this.stats.duplicates++;
        continue;
      }
      if (this.poll.page > 0 && event.ingestionTime !== undefined && (this.poll.visibleUpTo === undefined || event.ingestionTime > this.poll.visibleUpTo)) {
        this.stats.heldBack++;
        this.poll.heldBack++;
        this.poll.heldBackFrom = Math.min(this.poll.heldBackFrom, timestamp);
        continue;
      }
      this.seen.set(id, timestamp);
      if (event.ingestionTime !== undefined) this.maxLagMs = Math.max(this.maxLagMs, event.ingestionTime - timestamp);
      const stream = event.logStreamName!;
      this.noteStream(stream);
      const line: LogLine = { eventId: id, stream, host: hostLabel(stream, this.jobName), timestamp, message: event.message ?? '' };
      if (event.ingestionTime !== undefined) line.ingestionTime = event.ingestionTime;
      fresh.push(line);
    }
    this.poll.page++;
    this.stats.delivered += fresh.length;
    // Array.prototype.sort is stable: equal timestamps keep the service's order.
    return fresh.sort((a, b) => a.timestamp - b.timestamp);
  }

  /**
   * The poll under way has been read to its last page, which took `durationMs` on this machine from
   * the first request to the last answer: move the start up (see the module comment), forget the ids
   * behind it, and get ready for the next poll.
   */
  completePoll(durationMs: number): void {
    this.stats.polls++;
    this.heldBackByLastPoll = this.poll.heldBack;
    if (this.maxIngestionTime !== undefined) {
      const candidate = Math.floor(Math.min(this.maxIngestionTime - Math.max(0, durationMs) - this.allowanceMs(), this.poll.heldBackFrom));
      if (candidate > this.startTime) {
        this.startTime = candidate;
        for (const [id, ts] of this.seen) {
          if (ts < this.startTime) this.seen.delete(id);
        }
      }
    }
    this.beginPoll();
  }

  /**
   * A poll starts now: call right before asking for its first page (again, to read a poll over from
   * its first page after an expired token). What is known to be visible is fixed here, so service
   * times noted from this poll's own answers cannot count for it. `completePoll` also calls it, so a
   * caller that never notes service times need not.
   */
  beginPoll(): void {
    const known = [this.maxIngestionTime, this.serviceTime].filter((t): t is number => t !== undefined);
    this.poll = { page: 0, visibleUpTo: known.length > 0 ? Math.max(...known) : undefined, heldBackFrom: Number.POSITIVE_INFINITY, heldBack: 0 };
  }

  /**
   * The service's clock was at least `time` (ms) when it answered: the Date header of an answer,
   * minus a margin for the header's one-second resolution and skew between the service's hosts.
   * Everything ingested by then is visible to any later query; it lets a poll whose lines were all
   * written before it began (a reattach, a quiet job) hand everything out in one pass.
   */
  noteServiceTime(time: number): void {
    if (Number.isFinite(time)) this.serviceTime = Math.max(this.serviceTime ?? time, time);
  }

  /**
   * Lines the last completed poll held back to keep their streams in order. They come with the next
   * poll, so a final flush must poll again while this is not 0.
   */
  heldBackByLastCompletedPoll(): number {
    return this.heldBackByLastPoll;
  }

  /** Plain JSON: store it to reattach later with `LogCursor.restore`. */
  state(): LogCursorState {
    const state: LogCursorState = {
      version: 1,
      prefix: this.prefix,
      startTime: this.startTime,
      seen: [...this.seen.entries()],
      maxLagMs: this.maxLagMs,
      streams: [...this.streamOrder],
      delivered: this.stats.delivered,
    };
    if (this.maxIngestionTime !== undefined) state.maxIngestionTime = this.maxIngestionTime;
    if (this.serviceTime !== undefined) state.serviceTime = this.serviceTime;
    return state;
  }

  /** How many delivered ids are remembered (memory is proportional to the overlap, not to the log). */
  rememberedIds(): number {
    return this.seen.size;
  }

  private noteStream(stream: string): void {
    if (this.streamSet.has(stream)) return;
    this.streamSet.add(stream);
    this.streamOrder.push(stream);
    this.newStreams.push(stream);
  }
}

export class LogCursorStateError extends Error {
  readonly code = 'LogCursorStateMismatch';
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'LogCursorStateError';
  }
}

/** SageMaker names a job's streams `{job}/algo-{n}-{epochSeconds}`; the SDK discovers them by this prefix. */
export function streamPrefix(jobName: string): string {
  return `${jobName}/`;
}

/**
 * `algo-2` from `my-job/algo-2-1617279600`. Other stream names (processing containers, custom
 * layouts) keep their part after the job's prefix, minus a trailing epoch when there is one.
 */
export function hostLabel(stream: string, jobName?: string): string {
  const rest = jobName !== undefined && stream.startsWith(streamPrefix(jobName)) ? stream.slice(streamPrefix(jobName).length) : stream.slice(stream.indexOf('/') + 1);
  const algo = /^(algo-\d+)-\d+$/.exec(rest);
  if (algo) return algo[1]!;
  const stamped = /^(.+)-\d{9,}$/.exec(rest);
  return stamped ? stamped[1]! : rest;
}

/**
 * The SDK's `multi_stream_iter`: merge per-stream lists (each in its own order) into one by
 * timestamp; on equal timestamps the earlier list wins, like its argmin. Each stream's order is kept.
 */
export function mergeByTimestamp<T extends { timestamp: number }>(lists: ReadonlyArray<readonly T[]>): T[] {
  const heads = lists.map(() => 0);
  const out: T[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const item = lists[i]![heads[i]!];
      if (item !== undefined && (best < 0 || item.timestamp < lists[best]![heads[best]!]!.timestamp)) best = i;
    }
    if (best < 0) return out;
    out.push(lists[best]![heads[best]!]!);
    heads[best]!++;
  }
}

/**
 * FilterLogEvents always sends an eventId; should an answer lack one, identify the event by what it
 * carries plus how many identical ones came before it in the page, which a re-read reproduces.
 */
function syntheticId(event: CloudWatchLogEvent, occurrences: Map<string, number>): string {
  const base = `${event.logStreamName}\u0000${event.timestamp}\u0000${event.ingestionTime}\u0000${event.message}`;
  const n = (occurrences.get(base) ?? 0) + 1;
  occurrences.set(base, n);
  return `synthetic:${base}\u0000${n}`;
}

/**
 * Shows only the last `limit` lines of what is already in the log when a tail (re)attaches: the
 * first complete poll is held back, then released trimmed; everything after passes straight through.
 */
export class HistoryLimit {
  private held: LogLine[] = [];
  private omitted = 0;
  private open: boolean;

  constructor(private readonly limit: number | undefined) {
    this.open = limit === undefined;
  }

  /** Lines to show now (none while the history is being held back). */
  offer(lines: readonly LogLine[]): LogLine[] {
    if (this.open) return [...lines];
    this.held.push(...lines);
    const excess = this.held.length - (this.limit ?? 0);
    if (excess > 0) {
      this.held.splice(0, excess);
      this.omitted += excess;
    }
    return [];
  }

  /** The history, trimmed, once; afterwards `offer` passes everything through. */
  release(): { lines: LogLine[]; omitted: number } {
    if (this.open) return { lines: [], omitted: 0 };
    this.open = true;
    const result = { lines: this.held, omitted: this.omitted };
    this.held = [];
    return result;
  }
}
