// docker-compose.yml cannot be started on a machine without Docker, so it is checked offline with
// compose-go (the loader Docker Compose uses) through scripts/compose-check.sh, and the checker itself is
// shown to reject a broken file, so a green run means something.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const checker = join(repo, 'scripts/compose-check.sh');

interface Healthcheck {
  test?: string[];
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  ports?: { target: number; published: string }[];
  command?: string[] | null;
}
interface Project {
  services: Record<string, Service>;
}

interface CheckResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the compose checker on `file`; never throws on a rejected file. */
async function check(file: string): Promise<CheckResult> {
  // Interpolated defaults are what the file promises, so the caller's own overrides are left out.
  const env = { ...process.env };
  delete env['UPSTASH_REDIS_REST_TOKEN'];
  delete env['HEARTH_FUNCTIONS'];
  for (const name of ['HEARTH_JWT_SECRET', 'HEARTH_JWT_JWKS_URL', 'HEARTH_JWT_ISSUER', 'HEARTH_JWT_AUDIENCE'])
    delete env[name];
  try {
    const { stdout, stderr } = await run('bash', [checker, file], { env, maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    if (typeof failed.code !== 'number') throw error;
    return { ok: false, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function service(project: Project, name: string): Service {
  const found = project.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

describe('docker-compose.yml', () => {
  let project: Project;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), `hearth-compose-${randomUUID()}-`));
    // The first call may build the Go checker (module download + compile).
    const result = await check(join(repo, 'docker-compose.yml'));
    if (!result.ok) throw new Error(`compose-check rejected docker-compose.yml:\n${result.stderr}`);
    expect(result.stderr).toBe('');
    project = JSON.parse(result.stdout) as Project;
  }, 300_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('declares the whole stack', () => {
    expect(Object.keys(project.services).sort()).toEqual(
      ['cockroach', 'cockroach-init', 'hearth', 'hearth-migrate', 'kafka', 'redis', 'serverless-redis-http'].sort(),
    );
    expect(service(project, 'kafka').image).toMatch(/^apache\/kafka:/);
    expect(service(project, 'cockroach').image).toMatch(/^cockroachdb\/cockroach:/);
    expect(service(project, 'cockroach').command).toEqual(expect.arrayContaining(['start-single-node', '--insecure']));
    expect(service(project, 'serverless-redis-http').image).toBe('hiett/serverless-redis-http:latest');
  });

  it('gives every long-running dependency and the host a healthcheck', () => {
    for (const name of ['kafka', 'cockroach', 'redis', 'hearth']) {
      const test = service(project, name).healthcheck?.test ?? [];
      expect(test.length, `${name} healthcheck`).toBeGreaterThan(1);
      expect(['CMD', 'CMD-SHELL'], `${name} healthcheck`).toContain(test[0]);
    }
    expect(service(project, 'hearth').healthcheck?.test?.join(' ')).toContain('http://localhost:8080/health');
  });

  it('creates the hearth database before the host starts', () => {
    const init = service(project, 'cockroach-init');
    expect(init.depends_on?.['cockroach']?.condition).toBe('service_healthy');
    const hearth = service(project, 'hearth');
    expect(hearth.depends_on?.['hearth-migrate']?.condition).toBe('service_completed_successfully');
    expect(service(project, 'hearth-migrate').depends_on?.['cockroach-init']?.condition).toBe(
      'service_completed_successfully',
    );
  });

  it('wires the host to Kafka, CockroachDB and the Upstash REST proxy', () => {
    const hearth = service(project, 'hearth');
    expect(hearth.build?.dockerfile).toBe('Dockerfile');
    expect(hearth.environment).toMatchObject({
      KAFKA_BROKERS: 'kafka:19092',
      DATABASE_URL: 'postgresql://root@cockroach:26257/hearth?sslmode=disable',
      UPSTASH_REDIS_REST_URL: 'http://serverless-redis-http:80',
      UPSTASH_REDIS_REST_TOKEN: 'hearth-local-token',
      // The tasks API's rules: the container is not in dev mode, so without a key it answers 503.
      HEARTH_JWT_ISSUER: 'hearth-local',
      HEARTH_JWT_AUDIENCE: 'hearth-local',
    });
    expect(Object.keys(hearth.environment ?? {})).toEqual(
      expect.arrayContaining(['HEARTH_JWT_SECRET', 'HEARTH_JWT_JWKS_URL']),
    );
    for (const dep of ['kafka', 'cockroach', 'redis']) {
      expect(hearth.depends_on?.[dep]?.condition, dep).toBe('service_healthy');
    }
    expect(hearth.ports?.map((p) => `${p.published}:${p.target}`)).toContain('8080:8080');
    const srh = service(project, 'serverless-redis-http');
    expect(srh.environment).toMatchObject({
      SRH_MODE: 'env',
      SRH_TOKEN: 'hearth-local-token',
      SRH_CONNECTION_STRING: 'redis://redis:6379',
    });
    expect(srh.ports?.map((p) => `${p.published}:${p.target}`)).toContain('8079:80');
  });

  it('rejects a copy with an unknown service key, naming it', async () => {
    const original = await readFile(join(repo, 'docker-compose.yml'), 'utf8');
    const broken = original.replace(/^ {2}redis:\n/m, '  redis:\n    healthcheck_typo: true\n');
    expect(broken).not.toBe(original);
    const file = join(scratch, 'docker-compose.yml');
    await writeFile(file, broken);
    const result = await check(file);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('services.redis.healthcheck_typo');
  });

  it('rejects a copy whose depends_on names a missing service', async () => {
    const original = await readFile(join(repo, 'docker-compose.yml'), 'utf8');
    const broken = original.replace(/^ {6}kafka:\n( {8}condition: service_healthy)/m, '      kafka-typo:\n$1');
    expect(broken).not.toBe(original);
    const file = join(scratch, 'depends.yml');
    await writeFile(file, broken);
    const result = await check(file);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('kafka-typo');
  });
});

describe('Dockerfile', () => {
  it('copies only paths that exist and runs the CLI as the node user', async () => {
    const dockerfile = await readFile(join(repo, 'Dockerfile'), 'utf8');
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/));
    expect(copies).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'shared', 'functions']));
    for (const path of copies) expect(existsSync(join(repo, path)), path).toBe(true);
    // Nothing it copies is left out of the build context by .dockerignore (folder, folder/* or the path).
    const ignore = (await readFile(join(repo, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    for (const path of copies) {
      const top = path.split('/')[0] as string;
      const excluded = ignore.some((p) => p === path || p === top || (p === `${top}/*` && path !== top));
      expect(excluded && !ignore.includes(`!${path}`), `${path} is excluded by .dockerignore`).toBe(false);
    }
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/shared/cli/hearth.js"]');
    expect(dockerfile).toMatch(/^FROM node:24-slim AS runtime$/m);
  });
});
