/**
 * kafkajs 2.2.4 arms its request queue's throttle check with a negative delay whenever it is not
 * throttled (`throttledUntil` starts at -1, RequestQueue.scheduleCheckPendingRequests), and Node 24 warns
 * about every such timer with a TimeoutNegativeWarning. Node treats the delay as 1 ms, which is what
 * kafkajs means, so the warning is noise. This drops that one warning, and only when it comes from
 * kafkajs' request queue; every other warning is printed as before.
 * @example quietKafkajsTimeoutWarning() // once, where kafkajs is loaded
 */
export function quietKafkajsTimeoutWarning(): void {
  if (installed) return;
  installed = true;
  const printers = process.listeners('warning');
  for (const printer of printers) process.off('warning', printer);
  process.on('warning', (warning) => {
    if (isKafkajsTimeoutWarning(warning)) return;
    for (const printer of printers) printer(warning);
  });
}

let installed = false;

/** True for the TimeoutNegativeWarning raised by kafkajs' request queue. */
export function isKafkajsTimeoutWarning(warning: Error): boolean {
  return (
    warning.name === 'TimeoutNegativeWarning' &&
    /kafkajs[\\/]src[\\/]network[\\/]requestQueue/.test(warning.stack ?? '')
  );
}
