// A CloudWatch Logs group simulated in plain node, for the log cursor's tests (logCursor.test.ts) and
// the tail's final flush (logTail.test.ts): what moto cannot do is make a line visible while a query
// pages through the group.
import type { CloudWatchLogEvent } from '../../src/core/logs/logCursor';

export interface SimEvent {
  id: string;
  stream: string;
  ts: number;
  ingest: number;
  seq: number;
  message: string;
}

/**
 * FilterLogEvents as documented: events with timestamp ≥ startTime that are visible (ingested) when
 * the page is asked for, sorted by timestamp, ingestion time and request; a token continues after
 * the last event returned, so events ingested meanwhile behind the token are not in this query.
 */
export class SimulatedLogGroup {
  readonly events: SimEvent[] = [];
  private seq = 0;

  put(stream: string, ts: number, ingest: number, message: string): SimEvent {
    const e = { id: `e${++this.seq}`, stream, ts, ingest, seq: this.seq, message };
    this.events.push(e);
    return e;
  }

  query(now: number, startTime: number, token: string | undefined, limit: number): { events: CloudWatchLogEvent[]; nextToken?: string } {
    const key = (e: SimEvent) => [e.ts, e.ingest, e.seq] as const;
    const after = token ? (JSON.parse(token) as [number, number, number]) : undefined;
    const greater = (e: SimEvent) => {
      if (!after) return true;
      const k = key(e);
      for (let i = 0; i < 3; i++) if (k[i] !== after[i]) return k[i]! > after[i]!;
      return false;
    };
    const visible = this.events.filter((e) => e.ingest <= now && e.ts >= startTime && greater(e)).sort((a, b) => a.ts - b.ts || a.ingest - b.ingest || a.seq - b.seq);
    const page = visible.slice(0, limit);
    const out: { events: CloudWatchLogEvent[]; nextToken?: string } = {
      events: page.map((e) => ({ eventId: e.id, logStreamName: e.stream, timestamp: e.ts, ingestionTime: e.ingest, message: e.message })),
    };
    if (visible.length > limit) out.nextToken = JSON.stringify(key(page[page.length - 1]!));
    return out;
  }
}
