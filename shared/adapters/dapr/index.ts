/** Dapr adapter: the app-callback protocol (pub/sub subscriptions, CloudEvent and bulk deliveries, cron bindings) over the core's invoke. */
export { cronTickEnvelope, daprCronSchedule } from './cron.ts';
export { bulkEntryEvent, DAPR_RAW_SOURCE, DAPR_RAW_TYPE, daprEventToEnvelope, isDaprWrapped } from './envelope.ts';
export type { BulkEntry } from './envelope.ts';
export { cronBindingName, cronRoute, daprSubscriptions, DEFAULT_PUBSUB_NAME, eventRoute } from './protocol.ts';
export type { DaprBulkSubscribe, DaprStatus, DaprSubscription } from './protocol.ts';
export { daprRoutes } from './routes.ts';
export type { DaprRoutesOptions } from './routes.ts';
export { daprStatusFor } from './status.ts';
