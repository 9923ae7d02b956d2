import type { KafkaTransport, TransportAdmin } from './transport.ts';

/** A transport whose admins share one connection, and the way to close that connection. */
export interface SharedAdminTransport extends KafkaTransport {
  /** Disconnects the shared admin (the end of the process). */
  closeAdmin(): Promise<void>;
}

/**
 * Wraps a transport so every `admin()` reuses one connected admin: probes, metrics and topic checks
 * then cost a request, not a connection each. `disconnect()` on a handed-out admin does nothing; a
 * failed call drops the connection so the next `admin()` connects again.
 * @example const transport = withSharedAdmin(kafkajsTransport(connection)); await (await transport.admin()).listTopics()
 */
export function withSharedAdmin(transport: KafkaTransport): SharedAdminTransport {
  let current: Promise<TransportAdmin> | undefined;
  const connect = (): Promise<TransportAdmin> => {
    const made = transport.admin();
    current = made;
    made.catch(() => {
      if (current === made) current = undefined;
    });
    return made;
  };
  const drop = async (admin: TransportAdmin) => {
    if (current && (await current.catch(() => undefined)) === admin) current = undefined;
    await admin.disconnect().catch(() => undefined);
  };
  const guarded = (admin: TransportAdmin): TransportAdmin => {
    const call =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await fn(...args);
        } catch (error) {
          await drop(admin);
          throw error;
        }
      };
    return {
      ensureTopics: call((names, partitions) => admin.ensureTopics(names, partitions)),
      listTopics: call(() => admin.listTopics()),
      groupLag: call((groupId, topics) => admin.groupLag(groupId, topics)),
      deleteTopics: call((names) => admin.deleteTopics(names)),
      deleteGroups: call((groupIds) => admin.deleteGroups(groupIds)),
      disconnect: () => Promise.resolve(),
    };
  };
  return {
    producer: () => transport.producer(),
    consumer: (options) => transport.consumer(options),
    admin: async () => guarded(await (current ?? connect())),
    async closeAdmin() {
      const open = current;
      current = undefined;
      const admin = await open?.catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
