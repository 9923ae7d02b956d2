import { ConfigError } from '../../core/index.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';
import { mintToken, signingKeyOf, ttlSeconds } from '../dev/auth.ts';
import { devModeOf } from '../dev/mode.ts';

/**
 * `hearth token [--sub X] [--ttl 1h] [--scope S] [--admin] [--json]`: mints a bearer token for the tasks
 * API from HEARTH_JWT_SECRET (with its issuer and audience) or, with HEARTH_DEV=true and no key
 * configured, from the generated dev key that `hearth dev` uses.
 */
export const tokenCommand: Command = {
  summary: 'mint a bearer token for the tasks API (--sub, --ttl 1h, --scope, --admin, --json)',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { flags: ['admin', 'json'], values: ['sub', 'ttl', 'scope'] });
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const key = signingKeyOf(env, { dev: devModeOf(env) });
    if (!key) {
      if (env.HEARTH_JWT_JWKS_URL?.trim())
        throw new ConfigError('HEARTH_JWT_JWKS_URL', 'is set: tokens come from that key set, hearth cannot mint them');
      throw new ConfigError(
        'HEARTH_JWT_SECRET',
        'is not set: set it (with HEARTH_JWT_ISSUER and HEARTH_JWT_AUDIENCE), or use HEARTH_DEV=true for the local dev key',
      );
    }
    const scope = [
      ...(options.scope?.split(/[\s,]+/).filter(Boolean) ?? []),
      ...(options.admin ? ['hearth:admin'] : []),
    ];
    const subject = options.sub ?? 'dev';
    const ttlS = ttlSeconds(options.ttl ?? '1h');
    const token = await mintToken(key, { subject, ttlS, scope });
    if (options.json) {
      const expiresAt = new Date(Date.now() + ttlS * 1000).toISOString();
      process.stdout.write(`${JSON.stringify({ token, subject, scope, expiresAt, devKey: key.generated })}\n`);
    } else process.stdout.write(`${token}\n`);
    return 0;
  },
};
