/**
 * The entry point of an Azure Functions (v4 Node model) app serving Hearth functions: the file the
 * Functions project's package.json `main` points to. It loads the functions (all, or those named in
 * HEARTH_FUNCTIONS) and registers them; the runtime (SQL, KV, Kafka producer, outbox relay) connects on
 * the first invocation, from the app settings (DATABASE_URL, UPSTASH_REDIS_REST_URL/TOKEN,
 * KAFKA_BROKERS, ...), and closes when the host stops. See README.md here for the project setup.
 */
import { app } from '@azure/functions';
import { readHostConfig } from '../../host/config.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime, type Runtime } from '../../host/runtime.ts';
import { registerAzureFunctions } from './register.ts';
import { DurableResumer } from '../../core/durable/resumer.ts';

const env = process.env;
const config = readHostConfig(env);
const functions = await loadFunctions(config.HEARTH_FUNCTIONS_DIR, config.HEARTH_FUNCTIONS);

let runtime: Promise<Runtime> | undefined;
let resumer: DurableResumer | undefined;
const connect = (): Promise<Runtime> => {
  runtime ??= createRuntime(env, { functionsDir: config.HEARTH_FUNCTIONS_DIR }).then(
    (rt) => {
      // Parked durable executions (sleeps, waits, retries) resume from this worker process too.
      resumer = new DurableResumer({
        functions,
        store: rt.durable,
        deps: rt.deps(),
        owner: rt.replicaId,
        log: rt.log,
        deadLetter: (message) => rt.producer.send([message]),
        concurrency: config.HEARTH_DURABLE_CONCURRENCY,
        leaseMs: config.HEARTH_DURABLE_LEASE_MS,
      });
      resumer.start();
      return rt;
    },
    (error: unknown) => {
      runtime = undefined;
      throw error;
    },
  );
  return runtime;
};

registerAzureFunctions(functions, {
  app,
  deps: async () => (await connect()).deps(),
  deadLetter: async (message) => {
    await (await connect()).producer.send([message]);
  },
  timeZone: env['WEBSITE_TIME_ZONE'] ?? 'UTC',
});

app.hook.appTerminate(async () => {
  await resumer?.stop(config.HEARTH_DRAIN_TIMEOUT_MS);
  if (runtime) await (await runtime).close();
});
