import { describe, it, expect } from 'vitest'
import { build, msg, DEMO_RULES } from '../helpers/build.js'
import { loadConfig } from '../../src/config.js'

// The fallbacks are switched by the environment the server reads, not only by the eval script.
describe('fallback switches reach the served engine', () => {
  it('the classifier is off by default: it lost more answers than it won on realistic traffic', () => {
    expect(loadConfig({}).CLASSIFIER).toBe(false)
    expect(loadConfig({}).TYPOS).toBe(true)
  })

  it('TYPOS=false turns the homophone pass off in the service', async () => {
    const typo = '发顺风吗' // 顺风 → 顺丰, a homophone no keyword lists
    const on = await build({ rules: DEMO_RULES })
    const answered = (await on.inject({ method: 'POST', url: '/v1/messages', payload: msg(typo) })).json()
    expect(answered.action).toBe('reply')
    expect(answered.matched[0].method).toBe('pinyin')

    const off = await build({ rules: DEMO_RULES, env: { TYPOS: 'false' } })
    const handed = (await off.inject({ method: 'POST', url: '/v1/messages', payload: msg(typo) })).json()
    expect(handed.action).toBe('handoff')
  })
})
