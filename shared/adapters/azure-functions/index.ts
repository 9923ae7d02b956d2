export { functionsRoute } from './http-trigger.ts';
export { kafkaEnvelope } from './kafka-event.ts';
export type { KafkaTriggerEvent } from './kafka-event.ts';
export { registerAzureFunctions } from './register.ts';
export { timerSchedule } from './schedule.ts';
export { tickFor } from './timer-trigger.ts';
export type { AzureFunctionsOptions, FunctionsApp, Registration } from './types.ts';
