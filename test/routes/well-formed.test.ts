/** Bodies made well-formed at the edge, copied only where a lone surrogate was replaced. */
import { describe, it, expect } from 'vitest'
import { wellFormed } from '../../src/routes/well-formed.js'

describe('wellFormed', () => {
  it('returns a well-formed body itself, without a copy', () => {
    const body = { shopId: 'default', text: '包邮吗😊', buyer: { nickname: '小美' }, tags: ['a', 'b'] }
    expect(wellFormed(body)).toBe(body)
    expect(wellFormed(body.tags)).toBe(body.tags)
  })

  it('replaces lone surrogates in values and keys, nested, and leaves the input as it was', () => {
    const body = { text: 'half \uD83D', buyer: { ['k\uDE00']: 'ok' }, list: ['fine', '\uDC00x'] }
    const out = wellFormed(body)
    expect(out).toEqual({ text: 'half \uFFFD', buyer: { 'k\uFFFD': 'ok' }, list: ['fine', '\uFFFDx'] })
    expect(body.text).toBe('half \uD83D')
    expect(out).not.toBe(body)
  })
})
