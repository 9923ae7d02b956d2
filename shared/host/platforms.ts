import type { Platform } from './config.ts';
import type { PlatformRoutes } from './host.ts';

/**
 * The HTTP routes each platform mounts on the host. The local platform pulls from Kafka itself;
 * push platforms receive CloudEvents over HTTP and run the same core invoke. Adding a platform is one
 * entry here plus one adapter folder. A platform's adapter is loaded only by the hosts that serve it.
 * @example startHost(functions, rt, { platformRoutes: await platformRoutes('knative') })
 */
export async function platformRoutes(platform: Platform): Promise<PlatformRoutes | undefined> {
  switch (platform) {
    case 'local':
      return undefined;
    case 'knative': {
      const { knativeReceiver } = await import('../adapters/knative/index.ts');
      return (functions, _rt, deps) => {
        const pushed = functions.filter((f) => f.trigger.kind !== 'http');
        const only = pushed.length === 1 ? pushed[0]?.name : undefined;
        return [knativeReceiver(functions, deps, only ? { defaultFunction: only } : {})];
      };
    }
    case 'dapr': {
      const { daprRoutes } = await import('../adapters/dapr/index.ts');
      // Cron bindings have no dead-letter topic: a dead-lettered tick goes out through the host's producer.
      return (functions, rt, deps) => [daprRoutes(functions, deps, { deadLetter: (m) => rt.producer.send([m]) })];
    }
  }
}
