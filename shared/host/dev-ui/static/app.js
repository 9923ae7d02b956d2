// Hearth dev UI: plain DOM, no framework, no CDN. Everything shown is built with textContent, never
// innerHTML, so event data cannot inject markup.
const view = document.getElementById('view');
const live = document.getElementById('live');
const API = '/_hearth/api/';
let session = { dev: false };
let refresh;
let invocations = [];
const invocationListeners = new Set();

/** Builds an element: el('td', { class: 'x', 'data-testid': 'y' }, 'text', child, ...). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function headers(json) {
  const h = json ? { 'content-type': 'application/json' } : {};
  const token = sessionStorage.getItem('hearth-ui-token');
  if (token && !session.dev) h.authorization = `Bearer ${token}`;
  return h;
}

async function api(path, body) {
  const res = await fetch(
    API + path,
    body === undefined
      ? { headers: headers(false) }
      : {
          method: 'POST',
          headers: headers(true),
          body: JSON.stringify(body),
        },
  );
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `${res.status} ${res.statusText}`);
  return data;
}

const status = (s) => el('span', { class: `status status-${s}`, 'data-testid': 'status' }, s);
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const table = (heads, rows, testid) =>
  el(
    'table',
    { 'data-testid': testid },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        heads.map((h) => el('th', {}, h)),
      ),
    ),
    el('tbody', {}, rows),
  );
const message = (text, kind = 'muted') =>
  el('p', { class: kind, 'data-testid': kind === 'error' ? 'error' : 'message' }, text);

function describeTrigger(t) {
  if (t.kind === 'kafka') return `kafka ${t.topics.join(', ')}`;
  if (t.kind === 'cron') return `cron "${t.schedule}" ${t.timezone}`;
  return `http ${t.method} ${t.path}`;
}

/** A skeleton event from a JSON Schema: required fields with placeholder values. */
function example(schema) {
  if (!schema || typeof schema !== 'object') return {};
  if (schema.anyOf || schema.oneOf) return example((schema.anyOf ?? schema.oneOf)[0]);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out = {};
      for (const name of schema.required ?? Object.keys(schema.properties ?? {}))
        out[name] = example(schema.properties?.[name]);
      return out;
    }
    case 'array':
      return [];
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

// ---- pages ----

async function functionsPage(name) {
  const { functions } = await api('functions');
  const rows = functions.map((f) =>
    el(
      'tr',
      { 'data-testid': `function-${f.name}` },
      el('td', {}, el('a', { href: `#/functions/${encodeURIComponent(f.name)}` }, f.name)),
      el('td', {}, describeTrigger(f.trigger)),
      el('td', {}, f.emits.join(', ')),
      el(
        'td',
        {},
        f.durable ? `durable${f.durable.waitsFor.length ? ` (waits on ${f.durable.waitsFor.join(', ')})` : ''}` : '',
      ),
    ),
  );
  const parts = [table(['function', 'trigger', 'emits', ''], rows, 'functions')];
  const chosen = functions.find((f) => f.name === name);
  if (chosen) parts.unshift(eventForm(chosen));
  return parts;
}

function eventForm(fn) {
  const t = fn.trigger;
  const result = el('div', { 'data-testid': 'result' });
  if (t.kind === 'cron') {
    return el(
      'div',
      { class: 'card' },
      el('h3', {}, fn.name),
      message(`next ticks: ${t.nextTicks.map(time).join(', ')}`),
    );
  }
  const params = t.kind === 'http' ? [...t.path.matchAll(/:(\w+)/g)].map((m) => m[1]) : [];
  const paramInputs = Object.fromEntries(
    params.map((p) => [p, el('input', { 'data-testid': `param-${p}`, placeholder: p })]),
  );
  const hasBody = t.kind === 'kafka' || !['GET', 'DELETE'].includes(t.method);
  const body = el('textarea', { 'data-testid': 'event-body' });
  body.value = JSON.stringify(example(fn.schema), null, 2);
  const key = el('input', { 'data-testid': 'event-key', placeholder: 'key (optional)' });
  const send = async () => {
    result.replaceChildren(message('sending…'));
    try {
      let data = {};
      if (hasBody) {
        try {
          data = JSON.parse(body.value);
        } catch {
          throw new Error('the body is not valid JSON');
        }
      }
      if (t.kind === 'kafka') {
        const sent = await api(`functions/${encodeURIComponent(fn.name)}/events`, { data, key: key.value || null });
        result.replaceChildren(message(`published to ${sent.topic}`));
        return;
      }
      let path = t.path;
      for (const p of params) path = path.replace(`:${p}`, encodeURIComponent(paramInputs[p].value));
      const h = { ...(hasBody ? { 'content-type': 'application/json' } : {}) };
      if (session.token) h.authorization = `Bearer ${session.token}`;
      if (hasBody) h['idempotency-key'] = crypto.randomUUID();
      const res = await fetch(path, {
        method: t.method,
        headers: h,
        ...(hasBody ? { body: JSON.stringify(data) } : {}),
      });
      const text = await res.text();
      let shown = text;
      let parsed;
      try {
        parsed = JSON.parse(text);
        shown = JSON.stringify(parsed, null, 2);
      } catch {
        /* not JSON: shown as text */
      }
      const id = parsed && (parsed.id ?? parsed.taskId);
      result.replaceChildren(
        el('p', { 'data-testid': 'http-status' }, `HTTP ${res.status}`),
        el('pre', { 'data-testid': 'http-body' }, shown),
        typeof id === 'string'
          ? el('a', { href: `#/group/${encodeURIComponent(id)}`, 'data-testid': 'group-link' }, `executions of ${id}`)
          : null,
      );
    } catch (error) {
      result.replaceChildren(message(error.message, 'error'));
    }
  };
  return el(
    'div',
    { class: 'card', 'data-testid': 'event-form' },
    el('h3', { 'data-testid': 'form-title' }, `${fn.name}: ${describeTrigger(t)}`),
    params.map((p) => el('label', {}, `${p} `, paramInputs[p], ' ')),
    t.kind === 'kafka' ? key : null,
    hasBody ? body : null,
    el('button', { onclick: send, 'data-testid': 'send' }, t.kind === 'kafka' ? 'Publish event' : `Send ${t.method}`),
    fn.schema
      ? el('details', {}, el('summary', {}, 'schema'), el('pre', {}, JSON.stringify(fn.schema, null, 2)))
      : null,
    result,
  );
}

function invocationRow(r) {
  return el(
    'tr',
    { 'data-testid': 'invocation', 'data-function': r.function, 'data-outcome': r.outcome },
    el('td', {}, time(r.at)),
    el('td', {}, r.function),
    el('td', {}, status(r.outcome)),
    el('td', {}, `${r.durationMs} ms`),
    el('td', {}, r.attempt),
    el('td', {}, el('code', {}, r.eventId)),
    el('td', {}, r.detail ?? ''),
  );
}

function invocationsPage(only) {
  const shown = (r) => !only || r.function === only;
  const body = el('tbody', {}, invocations.filter(shown).reverse().map(invocationRow));
  const onRecord = (r) => shown(r) && body.prepend(invocationRow(r));
  const names = [...new Set(invocations.map((r) => r.function))].sort();
  const picker = el(
    'select',
    { 'data-testid': 'invocation-function' },
    el('option', { value: '' }, 'every function'),
    names.map((n) => el('option', { value: n, selected: n === only }, n)),
  );
  picker.addEventListener('change', () => (location.hash = `#/invocations/${encodeURIComponent(picker.value)}`));
  invocationListeners.add(onRecord);
  const stop = () => invocationListeners.delete(onRecord);
  const t = el(
    'table',
    { 'data-testid': 'invocations' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['time', 'function', 'outcome', 'duration', 'attempt', 'event id', 'detail'].map((h) => el('th', {}, h)),
      ),
    ),
    body,
  );
  return { nodes: [picker, t], stop };
}

function executionRow(x) {
  const href = `#/execution/${encodeURIComponent(x.function)}/${encodeURIComponent(x.key)}`;
  return el(
    'tr',
    { 'data-testid': 'execution', 'data-function': x.function, 'data-status': x.status },
    el('td', {}, el('a', { href }, x.function)),
    el('td', {}, el('a', { href }, x.key)),
    el('td', {}, status(x.status)),
    el('td', {}, x.group ? el('a', { href: `#/group/${encodeURIComponent(x.group)}` }, x.group) : ''),
    el('td', {}, x.waitingFor ?? (x.wakeAt ? `until ${time(x.wakeAt)}` : '')),
    el('td', {}, `${x.runs} run(s), attempt ${x.attempt}`),
    el('td', {}, time(x.updatedAt)),
  );
}

async function executionsPage(query = '') {
  const { executions } = await api(`executions${query}`);
  if (executions.length === 0) return [message('no durable executions yet')];
  return [
    table(
      ['function', 'key', 'status', 'group', 'waiting for', 'runs', 'updated'],
      executions.map(executionRow),
      'executions',
    ),
  ];
}

/** Every execution of one group (a task id) on one time axis: each step a bar, waits in amber. */
async function groupPage(group) {
  const { executions } = await api(`executions?group=${encodeURIComponent(group)}`);
  const details = await Promise.all(
    executions.map((x) => api(`executions/${encodeURIComponent(x.function)}/${encodeURIComponent(x.key)}`)),
  );
  const start = Math.min(...details.map((d) => Date.parse(d.execution.createdAt)));
  const open = details.some((d) => ['running', 'parked'].includes(d.execution.status));
  // While something runs the axis ends now; afterwards at the last step.
  const end = Math.max(open ? Date.now() : 0, ...details.flatMap((d) => d.steps.map((s) => Date.parse(s.finishedAt))));
  const span = Math.max(end - start, 1);
  const rows = details
    .sort((a, b) => Date.parse(a.execution.createdAt) - Date.parse(b.execution.createdAt))
    .map((d) =>
      el(
        'tr',
        { 'data-testid': 'group-execution', 'data-status': d.execution.status },
        el(
          'td',
          {},
          el(
            'a',
            { href: `#/execution/${encodeURIComponent(d.execution.function)}/${encodeURIComponent(d.execution.key)}` },
            `${d.execution.function} ${d.execution.key}`,
          ),
        ),
        el('td', {}, status(d.execution.status)),
        el('td', {}, d.steps.length),
        el('td', {}, timeline(d.steps, start, span)),
      ),
    );
  return [
    el(
      'div',
      { class: 'card' },
      el('h3', {}, `group ${group}`),
      el(
        'p',
        { 'data-testid': 'group-summary' },
        executions.length === 0 ? 'no executions yet' : open ? 'running' : 'all executions ended',
      ),
      open ? el('button', { onclick: () => cancel(group), 'data-testid': 'cancel' }, 'Cancel all') : null,
    ),
    table(['execution', 'status', 'steps', 'timeline'], rows, 'group'),
    open || executions.length === 0 ? { refreshIn: 1000 } : null,
  ];
}

function timeline(steps, start, span) {
  return el(
    'div',
    { class: 'timeline' },
    steps.map((s) => {
      const left = ((Date.parse(s.startedAt) - start) / span) * 100;
      const width = (Math.max(s.durationMs, 1) / span) * 100;
      const kind = s.kind === 'wait' || s.kind === 'sleep' ? 'wait' : s.outcome === 'failed' ? 'failed' : '';
      const bar = el('span', { class: `bar ${kind}`, title: `${s.id} (${s.kind}) ${s.durationMs} ms` });
      // Set through the CSSOM: the page's CSP refuses inline style attributes.
      bar.style.left = `${left.toFixed(2)}%`;
      bar.style.width = `${Math.min(width, 100 - left).toFixed(2)}%`;
      return bar;
    }),
  );
}

async function cancel(group) {
  try {
    const { cancelled } = await api('cancel', { group });
    live.textContent = `asked ${cancelled} execution(s) to stop`;
  } catch (error) {
    live.textContent = error.message;
  }
  render();
}

async function executionPage(fn, key) {
  const d = await api(`executions/${encodeURIComponent(fn)}/${encodeURIComponent(key)}`);
  const x = d.execution;
  const start = Date.parse(x.createdAt);
  const open = ['running', 'parked'].includes(x.status);
  const end = Math.max(open ? Date.now() : 0, ...d.steps.map((s) => Date.parse(s.finishedAt)));
  const span = Math.max(end - start, 1);
  const steps = d.steps.map((s) =>
    el(
      'tr',
      { 'data-testid': 'step', 'data-kind': s.kind },
      el('td', {}, s.id),
      el('td', {}, s.kind),
      el('td', {}, status(s.outcome)),
      el('td', {}, `${s.durationMs} ms`),
      el('td', {}, s.attempts),
      el('td', {}, timeline([s], start, span)),
      el('td', {}, el('pre', {}, s.preview ?? '')),
    ),
  );
  const waits = d.waits.map((w) => {
    const answer = el('textarea', { 'data-testid': 'answer-body' });
    answer.value = '{}';
    const out = el('span', {});
    const send = async () => {
      try {
        const sent = await api('answer', {
          function: x.function,
          key: x.key,
          stepId: w.stepId,
          data: JSON.parse(answer.value),
        });
        out.textContent = `answered on ${sent.topic}`;
      } catch (error) {
        out.textContent = error.message;
      }
    };
    return el(
      'div',
      { class: 'card', 'data-testid': 'wait' },
      el('strong', {}, `waits for ${w.topic}`),
      ` step ${w.stepId}, matching ${JSON.stringify(w.match)}${w.expiresAt ? `, until ${time(w.expiresAt)}` : ''}`,
      answer,
      el('button', { onclick: send, 'data-testid': 'answer' }, 'Answer'),
      out,
    );
  });
  return [
    el(
      'div',
      { class: 'card' },
      el('h3', {}, `${x.function} ${x.key} `, status(x.status)),
      el(
        'p',
        {},
        `event ${x.eventId}; ${x.runs} run(s), attempt ${x.attempt}; started ${time(x.createdAt)}, updated ${time(x.updatedAt)}`,
      ),
      x.group ? el('p', {}, 'group ', el('a', { href: `#/group/${encodeURIComponent(x.group)}` }, x.group)) : null,
      x.error ? message(x.error, 'error') : null,
      open && x.group ? el('button', { onclick: () => cancel(x.group), 'data-testid': 'cancel' }, 'Cancel') : null,
    ),
    waits,
    table(['step', 'kind', 'outcome', 'duration', 'attempts', 'timeline', 'value'], steps, 'steps'),
    open ? { refreshIn: 1000 } : null,
  ];
}

async function deadLettersPage(name) {
  const { functions } = await api('functions');
  const picker = el(
    'select',
    { 'data-testid': 'dlq-function' },
    el('option', { value: '' }, 'choose a function'),
    functions.map((f) => el('option', { value: f.name, selected: f.name === name }, f.name)),
  );
  picker.addEventListener('change', () => (location.hash = `#/dead-letters/${encodeURIComponent(picker.value)}`));
  if (!name) return [picker];
  const { topic, letters } = await api(`dead-letters/${encodeURIComponent(name)}`);
  const reasons = [...new Set(letters.map((l) => l.info?.reason).filter(Boolean))];
  const reason = el(
    'select',
    { 'data-testid': 'bulk-reason' },
    el('option', { value: '' }, 'any reason'),
    reasons.map((r) => el('option', { value: r }, r)),
  );
  const bulkOut = el('span', { 'data-testid': 'bulk-result' });
  const bulk = async () => {
    try {
      const { replayed } = await api(`dead-letters/${encodeURIComponent(name)}/replay`, { reason: reason.value });
      bulkOut.textContent = `replayed ${replayed}`;
    } catch (error) {
      bulkOut.textContent = error.message;
    }
  };
  const rows = letters.map((l) => {
    const i = l.info ?? {};
    const body = el('textarea', { 'data-testid': 'letter-body' });
    body.value = l.value;
    const out = el('span', { 'data-testid': 'replay-result' });
    const replay = async () => {
      try {
        const edited = body.value !== l.value ? { value: body.value } : {};
        const sent = await api(`dead-letters/${encodeURIComponent(name)}/replay`, {
          partition: l.partition,
          offset: l.offset,
          ...edited,
        });
        out.textContent = `replayed to ${sent.topic}${edited.value !== undefined ? ' (edited)' : ''}`;
      } catch (error) {
        out.textContent = error.message;
      }
    };
    return el(
      'tr',
      { 'data-testid': 'letter', 'data-reason': i.reason ?? '' },
      el('td', {}, new Date(Number(l.timestamp)).toLocaleString()),
      el('td', {}, status(i.reason ?? 'unknown')),
      el(
        'td',
        {},
        `${i.sourceTopic ?? '?'}/${i.sourcePartition ?? '?'}/${i.sourceOffset ?? '?'}`,
        el('br'),
        `after ${i.attempts ?? '?'} attempt(s)`,
      ),
      el('td', {}, `${i.errorClass ?? ''}: ${i.errorMessage ?? ''}`),
      el('td', {}, body, el('button', { onclick: replay, 'data-testid': 'replay' }, 'Replay'), out),
    );
  });
  return [
    picker,
    el(
      'div',
      { class: 'card' },
      `${letters.length} dead letter(s) in ${topic} `,
      reason,
      el('button', { onclick: bulk, 'data-testid': 'bulk-replay' }, 'Replay not yet replayed'),
      bulkOut,
    ),
    table(['time', 'reason', 'source', 'error', 'body'], rows, 'letters'),
  ];
}

async function cronPage() {
  const { cron } = await api('cron');
  if (cron.length === 0) return [message('no cron functions on this host')];
  return [
    table(
      ['function', 'schedule', 'next ticks', 'last ticks'],
      cron.map((c) =>
        el(
          'tr',
          { 'data-testid': 'cron' },
          el('td', {}, c.function),
          el('td', {}, c.schedule),
          el('td', {}, c.nextTicks.map(time).join(', ')),
          el('td', {}, c.lastTicks.map((t) => `${time(t.scheduledAt)} ${t.doneAt ? 'done' : 'not done'}`).join(', ')),
        ),
      ),
      'cron',
    ),
  ];
}

// ---- router ----

let stopPage;
async function render() {
  clearTimeout(refresh);
  stopPage?.();
  stopPage = undefined;
  const [page, a, b] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  for (const link of document.querySelectorAll('header nav a'))
    link.classList.toggle('active', link.getAttribute('href') === `#/${page || 'functions'}`);
  try {
    let result;
    switch (page) {
      case 'invocations': {
        const p = invocationsPage(a);
        stopPage = p.stop;
        result = p.nodes;
        break;
      }
      case 'executions':
        result = await executionsPage();
        break;
      case 'group':
        result = await groupPage(a);
        break;
      case 'execution':
        result = await executionPage(a, b);
        break;
      case 'dead-letters':
        result = await deadLettersPage(a);
        break;
      case 'cron':
        result = await cronPage();
        break;
      default:
        result = await functionsPage(a);
    }
    const again = result.find((r) => r && r.refreshIn);
    view.replaceChildren(...result.filter((r) => r instanceof Node || Array.isArray(r)).flat());
    if (again) refresh = setTimeout(() => void renderQuietly(), again.refreshIn);
  } catch (error) {
    view.replaceChildren(message(error.message, 'error'));
  }
}

/** Re-renders a live page without losing what the user typed into it. */
async function renderQuietly() {
  if (document.activeElement && ['TEXTAREA', 'INPUT', 'SELECT'].includes(document.activeElement.tagName)) {
    refresh = setTimeout(() => void renderQuietly(), 1000);
    return;
  }
  await render();
}

function connect() {
  const token = sessionStorage.getItem('hearth-ui-token');
  const source = new EventSource(
    `${API}invocations/stream${token && !session.dev ? `?token=${encodeURIComponent(token)}` : ''}`,
  );
  source.addEventListener('open', () => (live.textContent = 'live'));
  source.addEventListener('error', () => (live.textContent = 'reconnecting…'));
  source.addEventListener('invocation', (e) => {
    const record = JSON.parse(e.data);
    if (invocations.some((r) => r.seq === record.seq)) return;
    invocations.push(record);
    if (invocations.length > 500) invocations.shift();
    for (const listener of invocationListeners) listener(record);
  });
}

async function start() {
  const given = new URLSearchParams(location.search).get('token');
  if (given) sessionStorage.setItem('hearth-ui-token', given);
  try {
    session = await api('session');
  } catch (error) {
    view.replaceChildren(message(`${error.message}: open /_hearth/?token=<HEARTH_DEV_UI_TOKEN>`, 'error'));
    return;
  }
  connect();
  window.addEventListener('hashchange', () => void render());
  await render();
}

void start();
