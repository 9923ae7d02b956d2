import { chatModelFromEnv } from '../../agent/llm/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime } from '../../host/runtime.ts';
import { startHost } from '../../host/host.ts';
import { readHostConfig } from '../../host/config.ts';
import { platformRoutes } from '../../host/platforms.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';
import { mintToken, signingKeyOf } from '../dev/auth.ts';
import { devModeOf } from '../dev/mode.ts';

/**
 * `hearth dev`: loads the functions (all, or HEARTH_FUNCTIONS) and serves them until SIGTERM/SIGINT,
 * then drains within HEARTH_DRAIN_TIMEOUT_MS and exits.
 */
export const devCommand: Command = {
  summary: 'run the host: Kafka consumers, cron and HTTP for the functions in functions/ (HEARTH_DEV=true: dev mode)',
  async run(args, env) {
    const { positional } = parseArgs(args);
    if (positional.length > 0) throw new UsageError(`hearth dev takes no arguments, got "${positional.join(' ')}"`);
    const dev = devModeOf(env);
    // Dev mode: only this machine can reach the host, and the tasks API gets a local key if none is set.
    if (dev) env.HEARTH_HTTP_HOST ??= '127.0.0.1';
    const devKey = dev ? signingKeyOf(env, { dev }) : undefined;
    if (devKey?.generated) {
      env.HEARTH_JWT_SECRET = devKey.secret;
      env.HEARTH_JWT_ISSUER = devKey.issuer;
      env.HEARTH_JWT_AUDIENCE = devKey.audience;
    }
    const devToken = devKey
      ? await mintToken(devKey, { subject: 'dev', ttlS: 12 * 3_600, scope: ['hearth:admin'] })
      : undefined;
    const config = readHostConfig(env);
    const functions = await loadFunctions(config.HEARTH_FUNCTIONS_DIR, config.HEARTH_FUNCTIONS);
    if (functions.length === 0) throw new Error(`no functions found in ${config.HEARTH_FUNCTIONS_DIR ?? 'functions/'}`);
    const rt = await createRuntime(env, { functionsDir: config.HEARTH_FUNCTIONS_DIR });
    // Validates HEARTH_LLM_* now and says which model agents use (a warning for the offline model).
    const model = chatModelFromEnv(env, { log: rt.log });
    rt.log.info('agent model', { model: model.name, provider: model.provider ?? 'unknown' });
    let exitCode = 0;
    let stopOnFatal: ((error: Error) => void) | undefined;
    // Listen from the start: a SIGTERM while the host is still starting drains it once it is up.
    let stopNow: ((signal: NodeJS.Signals) => void) | undefined;
    let early: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      if (stopNow) stopNow(signal);
      else early = signal;
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const host = await startHost(functions, rt, {
      platformRoutes: await platformRoutes(config.HEARTH_PLATFORM),
      onFatal: (error) => stopOnFatal?.(error),
      ...(dev ? { devUi: devToken ? { devToken } : {} } : {}),
    });
    if (dev) process.stderr.write(devBanner(host.port, devToken, devKey?.generated === true));
    await new Promise<void>((resolve) => {
      // A consumer that stopped for good leaves its partitions unserved: stop, so a supervisor restarts us.
      stopOnFatal = (error) => {
        exitCode = 1;
        rt.log.error('stopping after a fatal error', { error });
        host.stop().then(resolve, resolve);
      };
      stopNow = (signal) => {
        rt.log.info('signal received', { signal });
        host.stop().then(resolve, (error: unknown) => {
          rt.log.error('drain failed', { error });
          resolve();
        });
      };
      if (early) stopNow(early);
    });
    return exitCode;
  },
};

/** What a developer needs to start: the UI's address, a token, and a first request. */
function devBanner(port: number, token: string | undefined, generated: boolean): string {
  const lines = [``, `  Hearth dev mode`, `  UI      http://localhost:${port}/_hearth/`];
  if (token) {
    lines.push(
      `  token   ${token}`,
      `          (12 h, admin scope, ${generated ? 'signed with the generated dev key' : 'signed with HEARTH_JWT_SECRET'}; more in another shell: HEARTH_DEV=true node shared/cli/hearth.ts token)`,
      `  try     curl -X POST localhost:${port}/tasks -H "authorization: Bearer ${token}" \\`,
      `            -H 'content-type: application/json' -d '{"prompt":"Summarize the benefits of event-driven agents"}'`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
