import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (scripts/chromium.sh installs it; HEARTH_CHROMIUM may point elsewhere). */
export const CHROMIUM = process.env['HEARTH_CHROMIUM'] || '/usr/bin/chromium';

/**
 * Launches a real headless Chromium with a fresh profile (its --user-data-dir, which Playwright takes as
 * the persistent context's directory); `close` also removes the profile.
 * @example const { context, close } = await launchBrowser(); const page = await context.newPage()
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'hearth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
