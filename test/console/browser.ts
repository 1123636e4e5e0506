/**
 * Real browsers for the console tests, driven by puppeteer-core (no browser is downloaded):
 * Debian's chromium (over CDP) and, where installed, Debian's firefox-esr (over WebDriver BiDi).
 * Outside CI a machine without chromium skips the browser tests with a message; in CI (.ci/run
 * installs chromium) a missing chromium is a failure, never a silent skip. Firefox runs where it is
 * installed and is skipped with a message where it is not.
 */
import { existsSync } from 'node:fs'
import puppeteer, { type Browser } from 'puppeteer-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export const chromiumPath = CANDIDATES.find((p): p is string => !!p && existsSync(p))

if (!chromiumPath) {
  if (process.env.CI) throw new Error('CI: chromium not found (set CHROMIUM_PATH or apt-get install chromium); the console must be tested in a real browser')
  console.warn('console browser tests SKIPPED: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)')
}

export const firefoxPath = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p): p is string => !!p && existsSync(p))
if (!firefoxPath) console.warn('console browser tests in Firefox SKIPPED: no firefox-esr found (apt-get install firefox-esr, or set FIREFOX_PATH)')

export type BrowserName = 'chromium' | 'firefox'

/** The browsers this machine has, chromium first. */
export const browsers: BrowserName[] = [...(chromiumPath ? ['chromium' as const] : []), ...(firefoxPath ? ['firefox' as const] : [])]

export async function launch (name: BrowserName = 'chromium'): Promise<Browser> {
  if (name === 'firefox') return puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath!, headless: true, env: { ...process.env, TZ: 'Asia/Shanghai' } })
  return puppeteer.launch({
    executablePath: chromiumPath!,
    headless: true,
    // root in containers and CI: chromium's sandbox needs user namespaces it may not have
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--lang=zh-CN'],
    env: { ...process.env, LANG: 'zh_CN.UTF-8', TZ: 'Asia/Shanghai' }
  })
}
