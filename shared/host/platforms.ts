import type { Platform } from './config.ts';
import type { PlatformRoutes } from './host.ts';

/**
 * The HTTP routes each platform mounts on the host. The local platform pulls from Kafka itself;
 * push platforms (Knative, Dapr) receive CloudEvents over HTTP. Adding a platform is one entry here
 * plus one adapter folder.
 * @example startHost(functions, rt, { platformRoutes: platformRoutes('knative') })
 */
export function platformRoutes(platform: Platform): PlatformRoutes | undefined {
  switch (platform) {
    case 'local':
      return undefined;
    case 'knative':
    case 'dapr':
      throw new Error(`HEARTH_PLATFORM=${platform}: this build has no ${platform} adapter wired yet`);
  }
}
