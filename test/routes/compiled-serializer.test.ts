import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { compiledSerializer } from '../../src/routes/compiled-serializer.js'
import { messageResponseSchema, errorSchema } from '../../src/routes/schemas.js'
import { METHODS } from '../../src/matching/match.js'

// what the zod serializer wrote: the value parsed by the schema, then JSON.stringify
const zodWay = (schema: typeof messageResponseSchema | typeof errorSchema, v: unknown) => JSON.stringify(schema.parse(v))

const text = fc.string({ unit: 'grapheme', maxLength: 40 })
const response = fc.record({
  action: fc.constantFrom('reply', 'handoff', 'silent'),
  replies: fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 3 }),
  matched: fc.array(fc.record({
    ruleId: text, intent: text, keywords: fc.array(text, { maxLength: 3 }), method: fc.constantFrom(...METHODS),
    score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
    outcome: fc.option(text, { nil: undefined })
  }, { requiredKeys: ['ruleId', 'intent', 'keywords', 'method'] }), { maxLength: 3 }),
  handoff: fc.option(fc.record({
    ticketId: text, position: fc.nat(), priority: fc.constantFrom('urgent', 'normal'),
    reason: fc.constantFrom('unmatched', 'human_request', 'complaint', 'closed_hours', 'own_case'), agentsOnline: fc.nat()
  }), { nil: undefined }),
  degraded: fc.option(fc.boolean(), { nil: undefined })
}, { requiredKeys: ['action', 'replies', 'matched'] })

describe('compiled response serializer', () => {
  it('writes the same bytes as the zod serializer for any message response', () => {
    const write = compiledSerializer({ schema: messageResponseSchema })
    fc.assert(fc.property(response, (r) => { expect(write(r)).toBe(zodWay(messageResponseSchema, r)) }), { numRuns: 1000 })
  })

  it('leaves out what the schema does not declare, as the zod serializer did', () => {
    const write = compiledSerializer({ schema: messageResponseSchema })
    const r = { action: 'reply', replies: [{ type: 'text', text: '亲~' }], matched: [], internal: 'x', degraded: undefined }
    expect(write(r)).toBe('{"action":"reply","replies":[{"type":"text","text":"亲~"}],"matched":[]}')
  })

  it('and for errors', () => {
    const write = compiledSerializer({ schema: errorSchema })
    const e = { statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message: 'body/text: text is longer than 2000 characters', details: [{ field: 'text', message: '太长了' }] }
    expect(write(e)).toBe(zodWay(errorSchema, e))
  })
})
