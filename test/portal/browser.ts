// The browser the portal's journeys drive: Debian's Chromium through playwright-core (Playwright's own
// browser download needs the internet, which CI machines here do not have).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

// Without these the closed network makes Chromium hang on start (update checks, sync, QUIC probes).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`The portal tests need Debian's Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (.ci/run does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
