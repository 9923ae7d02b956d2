import { ConfigError } from '../../core/index.ts';

/**
 * Whether this process runs as a developer's local stack. Dev mode is opt-in with `HEARTH_DEV=true`
 * (`scripts/stack.sh` sets it) and refused under `NODE_ENV=production`, which the container image sets,
 * so a deployed image cannot reach it by accident: it would have to override both. In dev mode the host
 * listens on 127.0.0.1 unless HEARTH_HTTP_HOST says otherwise, generates a local JWT key when none is
 * configured, and serves the dev UI at /_hearth/.
 * @example if (devModeOf(process.env)) printDevBanner()
 */
export function devModeOf(env: Record<string, string | undefined>): boolean {
  const raw = env.HEARTH_DEV?.trim().toLowerCase() ?? '';
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw !== 'true' && raw !== '1')
    throw new ConfigError('HEARTH_DEV', `must be true or false, got "${env.HEARTH_DEV}"`);
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(
      'HEARTH_DEV',
      'cannot be true when NODE_ENV=production: dev mode generates keys and opens the dev UI without a login',
    );
  }
  return true;
}
