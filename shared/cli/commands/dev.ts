import { chatModelFromEnv } from '../../agent/llm/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime } from '../../host/runtime.ts';
import { startHost } from '../../host/host.ts';
import { readHostConfig } from '../../host/config.ts';
import { platformRoutes } from '../../host/platforms.ts';
import type { Command } from '../command.ts';

/**
 * `hearth dev`: loads the functions (all, or HEARTH_FUNCTIONS) and serves them until SIGTERM/SIGINT,
 * then drains within HEARTH_DRAIN_TIMEOUT_MS and exits.
 */
export const devCommand: Command = {
  summary: 'run the host: Kafka consumers, cron and HTTP for the functions in functions/',
  async run(_args, env) {
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
    });
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
