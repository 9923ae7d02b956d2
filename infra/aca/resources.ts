import type { AnyFunction } from '../../shared/core/index.ts';

/** CPU cores and memory of a Container Apps container. */
export interface AcaResources {
  cpu: number;
  memory: string;
}

/** The consumption profile's smallest size; every allowed size is n x (0.25 cores, 0.5Gi), n <= 16. */
const STEP_CORES = 0.25;
const MAX_CORES = 4;

/**
 * The container size of a function: its deploy hints (Kubernetes quantities such as "250m", "512Mi")
 * rounded up to the next size Container Apps accepts (cores in 0.25 steps, memory = 2Gi per core).
 * @example containerResources(fn) // { cpu: 0.5, memory: '1Gi' } for deploy: { cpu: '300m', memory: '256Mi' }
 */
export function containerResources(fn: AnyFunction): AcaResources {
  const cores = fn.deploy.cpu === undefined ? STEP_CORES : cpuCores(fn.name, fn.deploy.cpu);
  const memoryGi = fn.deploy.memory === undefined ? 0.5 : memoryGiB(fn.name, fn.deploy.memory);
  const needed = Math.max(cores, memoryGi / 2, STEP_CORES);
  const cpu = Math.ceil(needed / STEP_CORES - 1e-9) * STEP_CORES;
  if (cpu > MAX_CORES) {
    throw new TypeError(
      `function "${fn.name}": deploy cpu/memory need ${cpu} cores; Container Apps consumption allows at most ${MAX_CORES} cores / ${MAX_CORES * 2}Gi`,
    );
  }
  return { cpu, memory: `${cpu * 2}Gi` };
}

function cpuCores(fnName: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!match)
    throw new TypeError(`function "${fnName}": deploy.cpu "${value}" must be cores ("0.5") or millicores ("250m")`);
  const n = Number(match[1]);
  return match[2] === 'm' ? n / 1000 : n;
}

const UNITS: Record<string, number> = {
  Ki: 1 / 1024 ** 2,
  Mi: 1 / 1024,
  Gi: 1,
  K: 1e3 / 1024 ** 3,
  M: 1e6 / 1024 ** 3,
  G: 1e9 / 1024 ** 3,
};

function memoryGiB(fnName: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)$/.exec(value.trim());
  const unit = match?.[2];
  if (!match || unit === undefined) {
    throw new TypeError(`function "${fnName}": deploy.memory "${value}" must be a quantity such as "512Mi" or "1Gi"`);
  }
  return Number(match[1]) * (UNITS[unit] ?? 1);
}
