/**
 * A real local HTTP server speaking the OpenAI Chat Completions API with scripted answers, for tests of the
 * LLM client and of anything built on it (runner, cascades). Routes by model: the body's `model` on
 * `POST /v1/chat/completions` (any path ending in /chat/completions), the deployment on Azure's
 * `POST /openai/deployments/{deployment}/chat/completions?api-version=...`. Every request is recorded.
 * Scripted usage is capped at the request's `max_tokens` completion tokens, as a real provider stops there.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A successful chat completion. `usage` omitted (or null) leaves the field out of the body. */
export interface ScriptedCompletion {
  content?: string | null;
  toolCalls?: { id?: string; name: string; arguments: string | Record<string, unknown> }[];
  /** Defaults to "tool_calls" when toolCalls are given, else "stop". */
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens?: number } | null;
  /** Wait before answering (to exercise client timeouts). */
  delayMs?: number;
}

/** A raw HTTP answer, typically an error: `{ status: 429, headers: { 'retry-after': '1' } }`. */
export interface ScriptedHttp {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; defaults to an OpenAI-style `{ error: { code, message } }` for statuses >= 400. */
  body?: unknown;
  delayMs?: number;
}

/** Closes the connection without answering (a network error for the client). */
export interface ScriptedDrop {
  drop: true;
}

export type ScriptedResponse = ScriptedCompletion | ScriptedHttp | ScriptedDrop;

/** One request as the server saw it. */
export interface RecordedRequest {
  model: string;
  api: 'openai' | 'azure';
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScriptedProvider {
  /** OpenAI-style base URL (`.../v1`), for `openAIChatModel({ baseUrl })` / HEARTH_LLM_BASE_URL. */
  url: string;
  /** Server root, for `azureOpenAIChatModel({ endpoint })`. */
  endpoint: string;
  /** Queues answers for `model`; when the queue is empty `then` answers every further request. */
  script(model: string, responses: readonly ScriptedResponse[], options?: { then?: ScriptedResponse }): void;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The requests addressed to one model. */
  requestsFor(model: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server on a random port. With `apiKey`, requests without a matching `Authorization: Bearer`
 * or `api-key` header get a 401. Unscripted requests get a 400 with code `script_exhausted`.
 * @example const llm = await startScriptedProvider(); llm.script('gpt-4o', [{ status: 429, headers: { 'retry-after': '1' } }, { content: 'hi' }])
 */
export async function startScriptedProvider(options: { apiKey?: string } = {}): Promise<ScriptedProvider> {
  const queues = new Map<string, ScriptedResponse[]>();
  const fallbacks = new Map<string, ScriptedResponse>();
  const requests: RecordedRequest[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'scripted_provider_bug', message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const text = await readBody(req);
    if (req.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${url.pathname}` } });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { code: 'invalid_json', message: 'request body is not JSON' } });
    }
    const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
    const model = azure ? decodeURIComponent(azure[1] ?? '') : typeof body['model'] === 'string' ? body['model'] : '';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    requests.push({
      model,
      api: azure ? 'azure' : 'openai',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    if (
      options.apiKey !== undefined &&
      headers['authorization'] !== `Bearer ${options.apiKey}` &&
      headers['api-key'] !== options.apiKey
    ) {
      return sendJson(res, 401, { error: { code: 'invalid_api_key', message: 'Incorrect API key provided' } });
    }
    const next = queues.get(model)?.shift() ?? fallbacks.get(model);
    if (!next) {
      return sendJson(res, 400, {
        error: { code: 'script_exhausted', message: `no scripted response left for model "${model}"` },
      });
    }
    if ('drop' in next) return void req.socket.destroy();
    if (next.delayMs) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
    if ('status' in next) {
      const fallbackBody =
        next.status >= 400 ? { error: { code: `http_${next.status}`, message: `scripted HTTP ${next.status}` } } : {};
      return sendJson(res, next.status, next.body ?? fallbackBody, next.headers);
    }
    served += 1;
    sendJson(res, 200, completionBody(model, next, served, body['max_tokens']));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    url: `${endpoint}/v1`,
    endpoint,
    requests,
    requestsFor: (model) => requests.filter((r) => r.model === model),
    script(model, responses, scriptOptions = {}) {
      queues.set(model, [...(queues.get(model) ?? []), ...responses]);
      if (scriptOptions.then) fallbacks.set(model, scriptOptions.then);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function completionBody(
  model: string,
  answer: ScriptedCompletion,
  serial: number,
  maxTokens: unknown,
): Record<string, unknown> {
  const toolCalls = answer.toolCalls?.map((call, i) => ({
    id: call.id ?? `call_scripted_${serial}_${i}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const message: Record<string, unknown> = { role: 'assistant', content: answer.content ?? (toolCalls ? null : '') };
  if (toolCalls && toolCalls.length > 0) message['tool_calls'] = toolCalls;
  const body: Record<string, unknown> = {
    id: `chatcmpl-scripted-${serial}`,
    object: 'chat.completion',
    created: 1_700_000_000 + serial,
    model,
    choices: [{ index: 0, message, finish_reason: answer.finishReason ?? (toolCalls?.length ? 'tool_calls' : 'stop') }],
  };
  if (answer.usage) {
    // Like a real provider, never more completion tokens than the request's max_tokens: it stops at the limit.
    const limit = typeof maxTokens === 'number' ? maxTokens : Infinity;
    const completion = Math.min(answer.usage.completion_tokens, limit);
    body['usage'] = {
      ...answer.usage,
      completion_tokens: completion,
      total_tokens:
        (answer.usage.total_tokens ?? answer.usage.prompt_tokens + answer.usage.completion_tokens) -
        (answer.usage.completion_tokens - completion),
    };
    if (completion < answer.usage.completion_tokens)
      (body['choices'] as { finish_reason: string }[])[0]!.finish_reason = 'length';
  }
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
