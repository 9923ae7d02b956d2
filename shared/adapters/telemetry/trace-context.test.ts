import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, formatTraceparent, injectTraceContext, parseTraceparent } from './trace-context.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('W3C trace context', () => {
  it('parses a valid traceparent and formats it back', () => {
    const parsed = parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'vendor=abc');
    expect(parsed).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(parsed?.traceState?.get('vendor')).toBe('abc');
    expect(formatTraceparent(parsed!)).toBe(`00-${TRACE}-${SPAN}-01`);
  });

  it('ignores malformed, all-zero and version ff values', () => {
    for (const bad of [
      '',
      'nonsense',
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-00-future`)?.traceId).toBe(TRACE);
  });

  it('extracts a parent context from headers and injects a span into headers', () => {
    const ctx = extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01` }, ROOT_CONTEXT);
    expect(trace.getSpanContext(ctx)?.spanId).toBe(SPAN);
    expect(extractTraceContext({}, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    const headers: Record<string, string> = {};
    injectTraceContext({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.NONE }, headers);
    expect(headers).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00` });
    const none: Record<string, string> = {};
    injectTraceContext(
      trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }).spanContext(),
      none,
    );
    expect(none).toEqual({});
  });
});
