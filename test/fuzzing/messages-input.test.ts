/**
 * J12 as a property: whatever arrives at the webhook — any JSON value, fields of the wrong type,
 * control characters, huge strings — the answer is a 200 or a coded 4xx naming the problem; never a
 * 5xx, never a crash.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { build, DEMO_RULES } from '../helpers/build.js'

const field = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }))
const body = fc.record({
  messageId: field,
  conversationId: field,
  buyerId: field,
  shopId: fc.oneof(field, fc.constant('default')),
  type: fc.oneof(fc.constantFrom('text', 'image', 'enter', 'order', 'bogus'), field),
  text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u200b', 'a', '退'), maxLength: 10 }), field),
  sentAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), field)
}, { requiredKeys: [] })

describe('webhook input fuzzing', () => {
  it('answers any JSON body with 200 or a coded 4xx', async () => {
    const app = await build({ rules: DEMO_RULES })
    await fc.assert(fc.asyncProperty(fc.oneof(body, fc.jsonValue()), async (payload) => {
      const res = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
      expect(res.statusCode, res.body).toBeLessThan(500)
      if (res.statusCode >= 400) {
        const err = res.json()
        expect(err.code).toMatch(/^AR_ERR_/)
        expect(err.message.length).toBeGreaterThan(0)
      } else {
        expect(['reply', 'handoff', 'silent']).toContain(res.json().action)
      }
    }), { numRuns: 400 })
  })
})
