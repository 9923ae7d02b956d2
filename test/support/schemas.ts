import path from 'node:path';

/** The CRD JSON schemas kept in the repo (test/schemas), one folder per API group. */
export const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../schemas');
