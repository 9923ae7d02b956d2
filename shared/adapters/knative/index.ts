/** Knative adapter: receives KafkaSource and PingSource CloudEvents over HTTP and runs the core's invoke. */
export { InvalidCloudEventError, isJsonMedia, readCloudEvent } from './cloudevent.ts';
export type { ReceivedCloudEvent } from './cloudevent.ts';
export { cloudEventToEnvelope, coordinates, PING_EVENT_TYPE, truncateToMinute } from './envelope.ts';
export { knativeReceiver } from './receiver.ts';
export type { KnativeReceiverOptions } from './receiver.ts';
export { matchRoute } from './routing.ts';
export type { RouteMatch } from './routing.ts';
export { answerFor } from './status.ts';
export type { AnswerContext, HttpAnswer } from './status.ts';
