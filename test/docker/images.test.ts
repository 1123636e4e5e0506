/**
 * The container files (issue #14, item 10): a Node image every dependency accepts, readiness (not
 * liveness) as the health check, a restart policy, and no published port without tokens.
 * No Docker daemon is needed: the files are read as the compose and build tools read them.
 */
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import semver from 'semver'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const read = (p: string) => readFileSync(`${ROOT}/${p}`, 'utf8')

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')
  const major = Number(/^FROM node:(\d+)/m.exec(dockerfile)?.[1])

  it('uses a Node image whose version every installed production dependency accepts (no EBADENGINE)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> }
    const version = `${major}.0.0`
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.dev && p.engines?.node)
      .filter(([, p]) => !semver.satisfies(version, p.engines!.node!))
      .map(([path, p]) => `${path} ${p.engines!.node}`)
    expect(refused).toEqual([])
    // an even major: an LTS line
    expect(major % 2).toBe(0)
    expect(major).toBeGreaterThanOrEqual(24)
  })

  it('checks readiness', () => {
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\/readyz/)
  })
})

describe('docker/compose.yaml', () => {
  const compose = parse(read('docker/compose.yaml')) as { services: Record<string, { environment?: Record<string, string>; restart?: string; healthcheck?: { test: string[] }; ports?: string[] }> }
  const svc = compose.services.autoreply!

  it('checks /readyz and restarts', () => {
    expect(svc.healthcheck?.test.join(' ')).toContain('/readyz')
    expect(svc.restart).toBe('unless-stopped')
    expect(compose.services.redis!.restart).toBe('unless-stopped')
  })

  it('refuses to publish the port without agent and operator tokens', () => {
    expect(svc.ports?.length).toBeGreaterThan(0)
    for (const name of ['AGENT_TOKEN', 'OPERATOR_TOKEN']) {
      // ${VAR:?message}: compose stops with the message when the variable is unset or empty
      expect(svc.environment?.[name], name).toMatch(new RegExp(`^\\$\\{${name}:\\?.+\\}$`))
    }
  })
})
