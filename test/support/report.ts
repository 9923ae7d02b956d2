/**
 * Prints a measured figure in the test output (vitest shows it under the test's name), for the notes.
 * @example report(`image: ${mb} MB`)
 */
export function report(line: string): void {
  process.stdout.write(`${line}\n`);
}
