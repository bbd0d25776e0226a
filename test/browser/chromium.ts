import { accessSync, constants } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

// Debian's packaged Chromium, driven by playwright-core (which ships no browser of its own)
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

// headless in a container: no sandbox (often run as root), no GPU, and nothing that
// talks to the network on its own, so the only traffic is the test's
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export function assertChromiumInstalled (path: string = chromiumPath): void {
  try {
    accessSync(path, constants.X_OK)
  } catch {
    throw new Error(
      `Chromium is required for the browser test but was not found at ${path}. ` +
      'Install it with `apt-get update && apt-get install -y chromium`, ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome executable.'
    )
  }
}

// a non-persistent launch: playwright gives it a fresh temporary profile and removes it on close
export async function launchChromium (path: string = chromiumPath): Promise<Browser> {
  assertChromiumInstalled(path)
  return chromium.launch({
    executablePath: path,
    headless: true,
    timeout: 15_000,
    args: chromiumArgs
  })
}
