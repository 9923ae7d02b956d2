/**
 * A real local HTTP server that durable test functions call from their steps: it numbers every request
 * it receives and remembers which event and step sent it, so a test can tell an interrupted step that
 * ran again from a journaled step that ran again.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface StepCall {
  serial: number;
  eventId: string;
  stepId: string;
  at: number;
}

export interface StepServer {
  url: string;
  calls: StepCall[];
  /** Calls made by one event's step, oldest first. */
  callsOf(eventId: string, stepId: string): StepCall[];
  /** Requests to `/hold` wait here until released (a step that stays in flight). */
  release(): void;
  close(): Promise<void>;
}

/**
 * Starts the server on a random port; `POST /step` with `{ eventId, stepId }` answers `{ serial }` after
 * `delayMs` (or the request's `?delayMs=`), `POST /hold` answers only once `release()` is called.
 * @example const server = await startStepServer({ delayMs: 20 })
 */
export async function startStepServer(options: { delayMs?: number } = {}): Promise<StepServer> {
  const calls: StepCall[] = [];
  let held: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { eventId?: string; stepId?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const call: StepCall = {
        serial: calls.length + 1,
        eventId: String(body.eventId),
        stepId: String(body.stepId),
        at: Date.now(),
      };
      calls.push(call);
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ serial: call.serial }));
      };
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/hold') held.push(answer);
      else setTimeout(answer, Number(url.searchParams.get('delayMs') ?? options.delayMs ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (eventId, stepId) => calls.filter((c) => c.eventId === eventId && c.stepId === stepId),
    release: () => {
      const waiting = held;
      held = [];
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
