import { describe, expect, it } from 'vitest';
import { isKafkajsTimeoutWarning } from './timeout-warning.ts';

function warning(name: string, stack: string): Error {
  const w = new Error('-1796313429644 is a negative number.');
  w.name = name;
  w.stack = stack;
  return w;
}

describe('kafkajs TimeoutNegativeWarning filter', () => {
  it('drops only the warning raised by kafkajs request queue', () => {
    const fromKafkajs = `TimeoutNegativeWarning: ...\n    at new Timeout (node:internal/timers:195:17)\n    at setTimeout (node:timers:120:19)\n    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)`;
    expect(isKafkajsTimeoutWarning(warning('TimeoutNegativeWarning', fromKafkajs))).toBe(true);
    const fromApp = `TimeoutNegativeWarning: ...\n    at setTimeout (node:timers:120:19)\n    at tick (/app/functions/x/index.js:3:1)`;
    expect(isKafkajsTimeoutWarning(warning('TimeoutNegativeWarning', fromApp))).toBe(false);
    expect(isKafkajsTimeoutWarning(warning('DeprecationWarning', fromKafkajs))).toBe(false);
  });
});
