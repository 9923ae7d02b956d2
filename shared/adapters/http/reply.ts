import type { ServerResponse } from 'node:http';
import type { HttpReply } from '../../core/index.ts';
import { sendJson } from './body.ts';

/**
 * Writes a handler's {@link HttpReply}: status, headers and a JSON body, or the stream it returns
 * (flushed chunk by chunk, e.g. server-sent events) until it ends, the client leaves or `shutdown` aborts.
 * @example await sendReply(res, reply, shutdownSignal)
 */
export async function sendReply(res: ServerResponse, reply: HttpReply, shutdown?: AbortSignal): Promise<void> {
  if (!reply.stream) {
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    if (reply.body === undefined) {
      res.writeHead(reply.status);
      res.end();
      return;
    }
    return sendJson(res, reply.status, reply.body);
  }
  const gone = new AbortController();
  res.once('close', () => gone.abort(new Error('client closed the connection')));
  const signal = shutdown ? AbortSignal.any([gone.signal, shutdown]) : gone.signal;
  res.writeHead(reply.status, reply.headers);
  res.flushHeaders();
  const write = async (chunk: string): Promise<void> => {
    if (signal.aborted || res.write(chunk)) return;
    // Back-pressure: wait for the socket to drain, or for the client to leave (it never drains then).
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      res.once('drain', done);
      signal.addEventListener('abort', done, { once: true });
    });
  };
  try {
    await reply.stream(write, signal);
  } finally {
    res.end();
  }
}
