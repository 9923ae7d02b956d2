import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One mountable piece of the host's HTTP server (health, metrics, HTTP-triggered functions, the
 * Knative CloudEvents receiver, the Dapr app callback). Resolves true when it handled the request.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
