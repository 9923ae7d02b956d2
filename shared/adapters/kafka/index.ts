export { batchProcessor } from './batch-processor.ts';
export type { BatchProcessorOptions, OutcomeListener } from './batch-processor.ts';
export { listDeadLetters, replayDeadLetters, replayGroupId } from './dead-letters.ts';
export type { DeadLetterRecord, ProgressListener } from './dead-letters.ts';
export { functionGroupId, startFunctionConsumer } from './function-consumer.ts';
export type { FunctionConsumer, FunctionConsumerOptions } from './function-consumer.ts';
export { kafkaConnectionFromEnv, kafkajsConfig } from './kafkajs-config.ts';
export type { KafkaConnection } from './kafkajs-config.ts';
export { kafkajsTransport, kafkaTransportFromEnv } from './kafkajs-transport.ts';
export type { KafkajsTransportOptions } from './kafkajs-transport.ts';
export { isKafkaOutage } from './errors.ts';
export { kafkaPublisher, UnknownTopicError } from './publisher.ts';
export { readToEnd } from './read-to-end.ts';
export { withSharedAdmin } from './shared-admin.ts';
export type { SharedAdminTransport } from './shared-admin.ts';
export type { ReadToEndOptions } from './read-to-end.ts';
export type {
  ConsumerOptions,
  KafkaTransport,
  PartitionBatch,
  PartitionLag,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
  TransportRecord,
} from './transport.ts';
